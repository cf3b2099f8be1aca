"""The rendered compare: text as readers see it, changes marked inside blocks, the two
columns aligned block by block, and the raw Markdown diff still there."""

from django.urls import reverse

from sops import services
from sops.rendered_diff import blocks_of, rendered_diff
from tests.sops.test_views import text

OLD = """## Scope

Isolate the **parcel** and call the duty officer.

- Wear gloves.
- Keep away.

| Step | Who |
| --- | --- |
| Seal | Officer |
| Call | Duty desk |
"""
NEW = """## Scope

Isolate the **parcel** and call the regional officer.

New paragraph about masks.

- Wear gloves.
- Keep two metres away.

| Step | Who |
| --- | --- |
| Seal | Officer |
| Call | Regional desk |
"""


def test_blocks_are_headings_paragraphs_items_and_table_rows_without_markup():
    kinds = [(b.kind, b.cells) for b in blocks_of(OLD)]
    assert kinds == [
        ("h2", ["Scope"]),
        ("p", ["Isolate the parcel and call the duty officer."]),
        ("li", ["Wear gloves."]),
        ("li", ["Keep away."]),
        ("tr", ["Step", "Who"]),
        ("tr", ["Seal", "Officer"]),
        ("tr", ["Call", "Duty desk"]),
    ]


def test_changes_are_marked_inside_paragraphs_items_and_cells():
    diff = rendered_diff(OLD, NEW)
    changes = [(r.kind, r.change, r.inline) for r in diff.rows if r.change != "equal"]
    assert changes == [
        (
            "p",
            "replace",
            ["Isolate the parcel and call the <del>duty</del><ins>regional</ins> officer."],
        ),
        ("p", "insert", ["<ins>New paragraph about masks.</ins>"]),
        ("li", "replace", ["Keep<ins> two metres</ins> away."]),
        ("tr", "replace", ["Call", "<del>Duty</del><ins>Regional</ins> desk"]),
    ]
    assert (diff.added, diff.removed) == (1 + 4 + 2 + 1, 1 + 1)
    html = "".join("".join(r.inline) for r in diff.rows)
    for mark in ("##", "**", "| ---", "|"):
        assert mark not in html


def test_side_by_side_rows_pair_old_and_new_blocks():
    diff = rendered_diff(OLD, NEW)
    inserted = next(r for r in diff.rows if r.change == "insert")
    assert inserted.left is None and inserted.right == ["<ins>New paragraph about masks.</ins>"]
    assert all(r.left is not None and r.right is not None for r in diff.rows if r.change == "equal")


def test_text_is_escaped_not_rendered_as_html():
    diff = rendered_diff("Use <b>gloves</b>.", "Use <script>x</script> gloves.")
    html = "".join("".join(r.inline) for r in diff.rows)
    assert "<script>" not in html and "<b>" not in html


def test_compare_page_offers_rendered_side_and_markdown_views(
    client_for, make_sop, editor, publisher, member
):
    v1 = make_sop(body=OLD)
    draft = services.version_start_revision(sop=v1.sop, by=editor, change_kind="minor")
    services.version_update(version=draft, by=editor, expected_edit_count=None, body=NEW)
    v2 = services.version_publish(version=draft, by=publisher, change_summary="Regional.")
    url = reverse("sops:compare", args=[v1.sop_id]) + f"?a={v1.pk}&b={v2.pk}"
    client = client_for(member)
    rendered = text(client.get(url))
    assert "<del>Duty</del><ins>Regional</ins> desk" in rendered and "| ---" not in rendered
    side = client.get(url + "&view=side")
    rows = text(side).count('data-testid="diff-row"')
    assert rows == len(side.context["diff"].rows) == 8
    raw = text(client.get(url + "&view=markdown"))
    assert "| --- |" in raw and "<del>duty</del>" in raw
