"""`email.txt`: the one email a partner sends, as plain text ready to paste.

An email-copy file in Markdown may hold sender notes, several emails and a
follow-up; the kit's `email.txt` is its first email only, without Markdown
marks. A `.txt` file is the email as written.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import load_motion, make_project, motion_data, render

from playbook.build.email import email_text, markdown_to_text
from playbook.build.render import Renderer
from playbook.config import Config
from playbook.resources import bundled

REPO = bundled("templates").parent

MARKDOWN = """\
# Joint email: switch refresh

Send from the partner's own mailbox. Replace every {{placeholder}}.

---

## The email

Subject: {{company}}'s switches: a **plan** before {{eos_date}}

Hi {{first_name}},

Our *records* show that __{{switch_count}}__ switches at _{{company}}_ reach
end of support. See [the refresh guide](https://example.com/guide) or
<https://example.com/faq>, and run `assess` \\*before\\* the date.

* a short assessment
* a pilot

Best regards,

{{sender_name}}
{{sender_title}}, {{partner_name}}

---

## Follow-up

Subject: Re: {{company}}'s switches

Hi again.
"""

PLAIN = """\
Subject: {{company}}'s switches: a plan before {{eos_date}}

Hi {{first_name}},

Our records show that {{switch_count}} switches at {{company}} reach
end of support. See the refresh guide (https://example.com/guide) or
https://example.com/faq, and run assess *before* the date.

* a short assessment
* a pilot

Best regards,

{{sender_name}}
{{sender_title}}, {{partner_name}}
"""


def _kit_email(tmp_path: Path, name: str, text: str) -> bytes:
    root = make_project(tmp_path)
    (root / "assets" / "refresh" / name).write_text(text, encoding="utf-8")
    data = motion_data()
    data["assets"].append(
        {
            "type": "email-copy",
            "title": "Joint email",
            "audience": "partner",
            "file": f"assets/refresh/{name}",
        }
    )
    return render(Renderer(Config(root=root)), load_motion(data))["email.txt"]


def test_a_markdown_email_copy_gives_its_first_email_as_plain_text(
    tmp_path: Path,
) -> None:
    assert _kit_email(tmp_path, "email.md", MARKDOWN).decode("utf-8") == PLAIN


def test_a_text_email_copy_is_used_as_written(tmp_path: Path) -> None:
    email = _kit_email(tmp_path, "email.txt", MARKDOWN).decode("utf-8")
    assert email == MARKDOWN.rstrip("\n") + "\n"


def test_markdown_without_a_subject_line_is_kept_whole_as_text() -> None:
    text = "# Hello\n\nA **short** note.\n\n---\n\nMore.\n"
    assert email_text(text, markdown=True) == "Hello\n\nA short note.\n\n---\n\nMore.\n"


@pytest.mark.parametrize(
    ("markdown", "plain"),
    [
        ("{{first_name}} and {{sender_name}}", "{{first_name}} and {{sender_name}}"),
        ("snake_case_word and 2*3*4", "snake_case_word and 2*3*4"),
        ("**bold\ntext** here", "bold\ntext here"),
        ("[mail us](mailto:a@example.com)", "mail us (a@example.com)"),
        ("[https://example.com](https://example.com)", "https://example.com"),
        ("> quoted line", "quoted line"),
        ("line with break\\\nnext", "line with break\nnext"),
    ],
)
def test_markdown_marks_become_plain_text(markdown: str, plain: str) -> None:
    assert markdown_to_text(markdown) == plain


@pytest.mark.parametrize(
    "path",
    sorted((REPO / "assets").glob("*/email-copy.md")),
    ids=lambda path: path.parent.name,
)
def test_each_bundled_email_copy_gives_one_ready_email(path: Path) -> None:
    email = email_text(path.read_text(encoding="utf-8"), markdown=True)
    lines = email.splitlines()
    assert lines[0].startswith("Subject: ") and "Re:" not in lines[0]
    assert email.count("Subject:") == 1
    for mark in ("**", "##", "---", "Replace every"):
        assert mark not in email, mark
    assert "{{first_name}}" in email and "{{sender_name}}" in email


def test_the_fallback_email_uses_the_placeholders_of_the_bundled_files(
    kit: dict[str, bytes],
) -> None:
    email = kit["email.txt"].decode("utf-8")
    assert "[" not in email and "]" not in email
    for placeholder in ("{{first_name}}", "{{sender_name}}", "{{partner_name}}"):
        assert placeholder in email


def test_angle_brackets_that_are_no_address_stay() -> None:
    text = "<b>kept</b> <https://example.com> <mailto:a@example.com> <b@example.com>"
    assert markdown_to_text(text) == (
        "<b>kept</b> https://example.com a@example.com b@example.com"
    )
