from sops.diff import word_diff


def test_changed_word_shows_alone():
    diff = word_diff("Call the duty officer now.", "Call the shift officer now.")
    assert diff.inline == "Call the <del>duty</del><ins>shift</ins> officer now."
    assert (diff.added, diff.removed) == (1, 1)
    assert "<del>duty</del>" in diff.left and "<ins>" not in diff.left
    assert "<ins>shift</ins>" in diff.right and "<del>" not in diff.right


def test_diff_escapes_html_from_the_text():
    diff = word_diff("a <b>", "a <script>alert(1)</script>")
    assert "<script" not in diff.inline and "<b>" not in diff.inline
    assert "&lt;" in diff.inline and "&lt;/script&gt;" in diff.inline


def test_identical_texts_have_no_changes_and_cyrillic_words_are_tokens():
    assert word_diff("Изолировать посылку", "Изолировать посылку").added == 0
    diff = word_diff("Изолировать посылку", "Изолировать контейнер")
    assert diff.inline == "Изолировать <del>посылку</del><ins>контейнер</ins>"
