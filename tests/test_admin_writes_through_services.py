"""The back office cannot bypass the services: every admin page that can add or
change rows of our apps saves through a service (an overridden save_model, and
save_formset for editable inlines)."""

from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.test import RequestFactory

OUR_APPS = {
    "portal",
    "jobs",
    "registration",
    "graduates",
    "fairs",
    "subsidies",
    "stats",
}


def _editable(model_admin, request) -> bool:
    return model_admin.has_add_permission(request) or model_admin.has_change_permission(
        request
    )


def test_every_editable_admin_saves_through_a_service(administrator):
    request = RequestFactory().get("/admin/")
    request.user = administrator
    bypassing = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in OUR_APPS or not _editable(model_admin, request):
            continue
        if type(model_admin).save_model is ModelAdmin.save_model:
            bypassing.append(f"{model._meta.label}.save_model")
        editable_inlines = [
            inline
            for inline in model_admin.get_inline_instances(request)
            if inline.has_add_permission(request, None)
            or inline.has_change_permission(request, None)
        ]
        if (
            editable_inlines
            and type(model_admin).save_formset is ModelAdmin.save_formset
        ):
            bypassing.append(f"{model._meta.label}.save_formset")
    assert bypassing == []


def test_no_admin_deletes_rows_of_our_apps(administrator):
    """Deleting would bypass the services and their audit: rows are ended or
    deactivated through services instead."""
    request = RequestFactory().get("/admin/")
    request.user = administrator
    deletable = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in OUR_APPS
        and model_admin.has_delete_permission(request)
    ]
    assert deletable == []
