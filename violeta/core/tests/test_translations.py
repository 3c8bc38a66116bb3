"""The Spanish catalogue is complete and compiled: a fresh machine needs no gettext tools."""

import gettext
import re
from pathlib import Path

from django.conf import settings
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "violeta" / "locale" / "es_MX" / "LC_MESSAGES"


def po_entries(*, with_context: bool = False) -> list[tuple]:
    """(msgid, msgstr) pairs of django.po, multi-line strings joined; the header is left out. ``with_context``:
    (msgctxt or None, msgid, msgstr)."""
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    entries = []
    for block in re.split(r"\n\n+", text):
        parts = re.findall(
            r'^(msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d\]) ((?:".*"\n?)+)', block + "\n", flags=re.M
        )
        fields = {key: "".join(re.findall(r'"(.*)"', value)) for key, value in parts}
        if fields.get("msgid"):
            msgstr = fields.get("msgstr", fields.get("msgstr[0]", ""))
            entries.append(
                (fields.get("msgctxt"), fields["msgid"], msgstr)
                if with_context
                else (fields["msgid"], msgstr)
            )
    return entries


def test_every_message_has_a_spanish_translation():
    untranslated = [msgid for msgid, msgstr in po_entries() if not msgstr]
    assert not untranslated, f"translate these in django.po: {untranslated[:10]}"


def test_the_compiled_catalogue_matches_the_po_file():
    with open(LOCALE / "django.mo", "rb") as fh:
        compiled = gettext.GNUTranslations(fh)

    def unescape(text):
        return text.replace('\\"', '"').replace("\\n", "\n")

    def compiled_text(context, msgid):
        if context is None:
            return compiled.gettext(unescape(msgid))
        return compiled.pgettext(unescape(context), unescape(msgid))

    missing = [
        msgid
        for context, msgid, msgstr in po_entries(with_context=True)
        if compiled_text(context, msgid) != unescape(msgstr)
    ]
    assert not missing, f"django.mo is stale; run scripts/messages.sh ({missing[:5]})"


def test_people_read_spanish():
    with translation.override("es-mx"):
        assert translation.gettext("My case files") == "Mis expedientes"
