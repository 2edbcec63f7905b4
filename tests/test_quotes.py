"""Quote matching across PDF-extraction artifacts, mapped back to offsets in the verbatim text."""

from spacekg.sources.quotes import NormalizedText, normalize


def test_whitespace_and_line_breaks_match_a_single_space():
    text = "co-chaired by the\n\nrepresentatives  from\tthe Office"
    [match] = NormalizedText(text).find("the representatives from the Office")
    assert text[match.start:match.end] == "the\n\nrepresentatives  from\tthe Office"


def test_a_hyphen_broken_across_a_page_joins_the_next_word():
    text = "Partnership Program (JP-\n\nUS OP3) relating"
    [match] = NormalizedText(text).find("(JP-US OP3)")
    assert match.exact == "(JP-\n\nUS OP3)"


def test_a_hyphen_inside_a_line_is_kept_with_its_space():
    assert normalize("U.S.- Japan") == "U.S.- Japan"


def test_typographic_apostrophes_match_ascii_ones():
    text = "the President\u2019s National Security Staff"
    [match] = NormalizedText(text).find("President's National")
    assert match.exact == "President\u2019s National"


def test_every_occurrence_is_reported():
    assert len(NormalizedText("SSA and SSA").find("SSA")) == 2


def test_prefix_and_suffix_are_taken_from_the_verbatim_text():
    text = "a" * 40 + "QUOTE" + "b" * 40
    [match] = NormalizedText(text).find("QUOTE")
    assert (match.prefix, match.suffix) == ("a" * 32, "b" * 32)


def test_a_missing_quote_gets_a_hint_showing_where_it_diverges():
    hint = NormalizedText("held their first meeting in Tokyo").closest("held their first meeting in Kyoto")
    assert "Tokyo" in hint and "Kyoto" in hint
