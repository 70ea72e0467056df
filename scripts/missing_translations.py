"""List msgids used in the code that plans/locale/ja/LC_MESSAGES/django.po lacks (or has empty).

    .venv/bin/python scripts/missing_translations.py            # print them
    .venv/bin/python scripts/missing_translations.py FILE.json  # append {msgid: msgstr} from FILE

Unlike makemessages it never rewrites existing entries, so several people can add theirs.
"""

import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "plans" / "locale" / "ja" / "LC_MESSAGES" / "django.po"
ENTRY = re.compile(r'^msgid "(.*)"\n(?:msgid_plural "(.*)"\n)?', re.M)


def entries(text: str) -> dict[str, str]:
    """msgid -> msgstr (first form) of a .po text, multi-line strings joined."""
    result = {}
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#")]
        current, parts = None, {"msgid": "", "msgstr": "", "msgstr[0]": "", "msgid_plural": ""}
        for line in lines:
            match = re.match(r'^(msgid|msgstr|msgid_plural|msgstr\[0\])\s+"(.*)"$', line)
            if match:
                current = match.group(1)
                parts[current] = match.group(2)
            elif line.startswith('"') and current:
                parts[current] += line[1:-1]
        if parts["msgid"]:
            result[parts["msgid"]] = parts["msgstr"] or parts["msgstr[0]"]
            if parts["msgid_plural"]:
                result[parts["msgid"] + "\x00plural"] = parts["msgid_plural"]
    return result


def used_msgids() -> dict[str, str]:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "src"
        shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".venv", "var", ".git", "node_modules", "tests"))
        (copy / "plans" / "locale" / "ja" / "LC_MESSAGES" / "django.po").unlink()
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", "-l", "ja", "--ignore=benchmarks/*", "--ignore=scripts/*"],
            cwd=copy,
            check=True,
            capture_output=True,
        )
        return entries((copy / "plans" / "locale" / "ja" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8"))


def quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def main() -> int:
    existing = entries(PO.read_text(encoding="utf-8"))
    used = used_msgids()
    missing = [msgid for msgid in used if "\x00" not in msgid and not existing.get(msgid)]
    if len(sys.argv) == 1:
        print(json.dumps({msgid: "" for msgid in missing}, ensure_ascii=False, indent=1))
        return 0
    translations = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    with PO.open("a", encoding="utf-8") as po:
        for msgid, msgstr in translations.items():
            if existing.get(msgid) or not msgstr:
                continue
            plural = used.get(msgid + "\x00plural")
            po.write(f'\nmsgid "{quote(msgid)}"\n')
            if plural:
                po.write(f'msgid_plural "{quote(plural)}"\nmsgstr[0] "{quote(msgstr)}"\n')
            else:
                po.write(f'msgstr "{quote(msgstr)}"\n')
    return 0


if __name__ == "__main__":
    sys.exit(main())
