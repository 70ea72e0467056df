from django import forms
from django.utils.translation import gettext_lazy as _

from workbooks.limits import size_problem


class PlanWorkbookForm(forms.Form):
    workbook = forms.FileField(
        label=_("Plan workbook (.xlsx)"),
        help_text=_("The plan is created, or updated when its slug exists. Nothing is saved if any row has a problem."),
    )

    def clean_workbook(self):
        upload = self.cleaned_data["workbook"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Choose an Excel workbook (.xlsx)."))
        problem = size_problem(upload.size)  # before anything reads it (settings.UPLOAD_MAX_BYTES)
        if problem:
            raise forms.ValidationError(problem)
        return upload
