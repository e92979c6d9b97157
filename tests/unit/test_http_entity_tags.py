"""Entity tags across the forms of decimals: the default form keeps the tags of earlier versions."""

from adapters.http.decimal_forms import DecimalForm
from adapters.http.entity_tags import body_tag, order_tag


def test_tags_of_the_number_form_are_those_earlier_versions_gave():
    """A client that held a tag before the upgrade still gets its 304 (values computed by 1.3.0)."""
    order_id = "11111111-1111-4111-8111-111111111111"

    assert order_tag(order_id, DecimalForm.NUMBER) == '"L7SJc8r_s0Lhyz8kETqk"'
    assert body_tag(b"{}", DecimalForm.NUMBER) == '"hPTcQi4B3mrVwe8JaJhN"'
    assert order_tag(order_id, DecimalForm.STRING) != order_tag(order_id, DecimalForm.NUMBER)
