"""The served stylesheet: rules a person notices on every form."""

import re


def test_a_checkbox_sits_beside_its_label_not_across_the_line(client) -> None:
    css = client.get("/static/css/site.css")
    assert css.status_code == 200
    rules = re.findall(r"([^{}]+)\{([^}]*)\}", css.text)
    widths = [body for selector, body in rules if 'input[type="checkbox"]' in selector]
    assert any("inline-size: auto" in body for body in widths)
