"""Entity tags across the forms of decimals: the default form keeps the tags of earlier versions; a
history's tag follows every field of its query object."""

from dataclasses import dataclass, field

from adapters.http.decimal_forms import DecimalForm
from adapters.http.entity_tags import body_tag, history_tag, order_tag, query_parts, workflow_tag
from builders import make_workflow
from domain.model.enums import OrderDirection
from domain.model.history import HistoryFilter, HistoryQuery, Position
from ports.revisions import WorkflowRevision


def test_tags_of_the_number_form_are_those_earlier_versions_gave():
    """A client that held a tag before the upgrade still gets its 304 (values computed by 1.3.0)."""
    order_id = "11111111-1111-4111-8111-111111111111"

    assert order_tag(order_id, DecimalForm.NUMBER) == '"L7SJc8r_s0Lhyz8kETqk"'
    assert body_tag(b"{}", DecimalForm.NUMBER) == '"hPTcQi4B3mrVwe8JaJhN"'
    assert order_tag(order_id, DecimalForm.STRING) != order_tag(order_id, DecimalForm.NUMBER)


WORKFLOW_ID = "11111111-1111-4111-8111-111111111111"
OLDEST = Position(1_700_000_000, "22222222-2222-4222-8222-222222222222")


def test_history_and_workflow_tags_are_those_earlier_versions_gave():
    """Values computed by the previous release for the same state and query."""
    gone = WorkflowRevision(None, 3, OLDEST)
    live = WorkflowRevision(make_workflow(workflow_id=WORKFLOW_ID), 3, OLDEST)
    filtered = HistoryQuery(5, "abc.def", HistoryFilter(1, 2, OrderDirection.SELL))

    assert history_tag(WORKFLOW_ID, gone, HistoryQuery(), DecimalForm.NUMBER) == '"PTNF8BIhbjchxetFTTrq"'
    assert history_tag(WORKFLOW_ID, gone, filtered, DecimalForm.NUMBER) == '"tUaJHuH9g-9ll2kSdEtA"'
    assert history_tag(WORKFLOW_ID, gone, HistoryQuery(), DecimalForm.STRING) == '"8ZI9n6g5mzgd-PZEMb_F"'
    assert history_tag(WORKFLOW_ID, live, HistoryQuery(), DecimalForm.NUMBER) == '"dxAeV4A0EndXf47XzQb9"'
    assert workflow_tag(live, DecimalForm.NUMBER) == '"Pfm8CCHI0lKwYPRXi0F3"'
    assert workflow_tag(live, DecimalForm.STRING) == '"ZVHL8fGI5A8pZ0EEFEs2"'


@dataclass(frozen=True)
class FilterWithVenue(HistoryFilter):
    venue: str | None = None


@dataclass(frozen=True)
class QueryWithVenue(HistoryQuery):
    venue: str | None = None


def test_a_field_added_to_the_query_enters_the_tag_without_being_listed_anywhere():
    revision = WorkflowRevision(None, 3, OLDEST)

    def tag(query: HistoryQuery) -> str:
        return history_tag(WORKFLOW_ID, revision, query, DecimalForm.NUMBER)

    tags = {
        tag(HistoryQuery()),
        tag(QueryWithVenue()),
        tag(QueryWithVenue(venue="XETRA")),
        tag(QueryWithVenue(venue="LSE")),
        tag(HistoryQuery(history_filter=FilterWithVenue(venue="XETRA"))),
        tag(HistoryQuery(history_filter=FilterWithVenue(venue="LSE"))),
    }
    assert len(tags) == 6


def test_a_field_kept_out_of_its_repr_still_enters_the_tag():
    @dataclass(frozen=True)
    class QuietFilter(HistoryFilter):
        venue: str | None = field(default=None, repr=False)

    assert query_parts(HistoryQuery(history_filter=QuietFilter(venue="A"))) != query_parts(
        HistoryQuery(history_filter=QuietFilter(venue="B"))
    )
