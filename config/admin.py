"""Every back-office page checks junk input the portal's way: each registered
admin, ours and those of the packages we use (the task queue, groups), gets
portal.admin.CheckedInputMixin. The config app comes last in INSTALLED_APPS, so
every other admin is registered by now."""

from django.contrib import admin

from portal.admin import CheckedInputMixin
from portal.casework import install_todo

for model, model_admin in list(admin.site._registry.items()):
    admin_class = type(model_admin)
    if not issubclass(admin_class, CheckedInputMixin):
        admin.site.unregister(model)
        admin.site.register(
            model,
            type(admin_class.__name__, (CheckedInputMixin, admin_class), {}),
        )

# The admin index is the caseworkers' to-do home (portal/casework.py): the queues
# each case admin declares, counted for the user.
install_todo(admin.site)
