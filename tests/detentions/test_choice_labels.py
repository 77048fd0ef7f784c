"""`get_FOO_display()` reads labels from a dict built once per field (`detentions.models.labels`);
it must still say each label in the language of the request."""

from django.utils import translation

from detentions.models import Event, EventKind, OfficialContact


def test_a_label_is_said_in_the_active_language():
    event = Event(kind=EventKind.CONSULAR_VISIT)

    assert event.get_kind_display() == "consular visit"
    with translation.override("ru"):
        assert event.get_kind_display() == "консульское посещение"
    assert event.get_kind_display() == "consular visit"


def test_event_details_have_the_same_labels():
    contact = OfficialContact(outcome=OfficialContact.Outcome.NO_RESPONSE)

    with translation.override("ru"):
        assert contact.get_outcome_display() == "без ответа"


def test_a_value_without_a_choice_is_shown_as_it_is():
    assert Event(kind="not_a_kind").get_kind_display() == "not_a_kind"
