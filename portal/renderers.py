"""The renderer of every form (FORM_RENDERER): Django's, with bound fields that
leave out two attributes Django 5.2 writes where HTML allows none."""

from django.forms import BoundField
from django.forms.renderers import DjangoTemplates


class PortalBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if widget.is_hidden:
            # The hidden copy of an initial value (a field with a callable
            # default) would point at the help text: no aria-* on type=hidden.
            attrs.pop("aria-describedby", None)
        if getattr(widget, "read_only", False):
            # The password's summary in the user form is a <div>: no "disabled".
            attrs.pop("disabled", None)
        return attrs


class FormRenderer(DjangoTemplates):
    bound_field_class = PortalBoundField
