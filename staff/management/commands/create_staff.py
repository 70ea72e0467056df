"""``create_staff``: make a staff login with a role, a municipality and its departments.

    python manage.py create_staff ogori-shoko --password '…' --municipality 402168 \\
        --role department --department 商工観光課

The municipality is given by its national local-government code (全国地方公共団体コード).
"""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from plans.models import Department, Municipality
from plans.services import accounts


class Command(BaseCommand):
    help = "Create a staff login: department staff, planner or administrator of a municipality."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--password", required=True)
        parser.add_argument("--municipality", required=True, metavar="CODE", help="six-digit local-government code")
        parser.add_argument("--role", required=True, help="department, planner or admin")
        parser.add_argument("--department", action="append", default=[], metavar="NAME", dest="departments")
        parser.add_argument("--email", default="")

    def handle(self, *args, username, password, municipality, role, departments, email, **options):
        if role not in accounts.ROLE_KEYS:
            raise CommandError(f"役割「{role}」はありません。department, planner, admin のいずれかです。")
        town = Municipality.objects.filter(code=municipality).first()
        if town is None:
            raise CommandError(f"団体コード「{municipality}」の自治体は登録されていません。")
        known = dict(Department.objects.filter(municipality=town, name__in=departments).values_list("name", "pk"))
        unknown = [name for name in departments if name not in known]
        if unknown:
            raise CommandError(f"{town.name}に次の担当課はありません: {'、'.join(unknown)}")
        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError("パスワードが弱すぎます: " + " ".join(error.messages)) from error
        try:
            user = accounts.create_staff(
                actor=None,
                username=username,
                password=password,
                email=email,
                municipality=town,
                role=accounts.ROLE_KEYS[role],
                departments=known.values(),
            )
        except accounts.AccountRefused as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{user.get_username()}: {accounts.ROLE_KEYS[role]} ({town.name})")
