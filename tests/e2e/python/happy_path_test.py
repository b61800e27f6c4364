"""The happy path of a deficiency case through Python stubs generated from
atgard's protos: proof that the API works outside C++. On the way, one
refusal whose google.rpc details (the grpc-status-details-bin trailer) are
decoded with classes generated from the standard google/rpc protos, as any
client would: the field to mark and the reason to switch on.

Starts nothing itself: run_happy_path.sh starts a real atgard-server with
development authentication, mints tokens with `atgardctl dev-token` and
passes them in the environment:
  ATGARD_ADDRESS          host:port of the server
  ATGARD_TOKEN_OFFICER    a FOLLOW_UP_OFFICER of kommun 0780
  ATGARD_TOKEN_PROVIDER   the PROVIDER omsorgsbolaget of kommun 0780
  ATGARD_TOKEN_AUDITOR    an AUDITOR of kommun 0780
Exits non-zero (with a traceback) at the first step that fails.
"""

import datetime
import os
import sys
import uuid
import zoneinfo

import grpc
from google.rpc import error_details_pb2
from google.rpc import status_pb2

from atgard.v1 import api_pb2
from atgard.v1 import case_service_pb2
from atgard.v1 import case_service_pb2_grpc
from atgard.v1 import commands_pb2
from atgard.v1 import content_pb2
from atgard.v1 import event_store_service_pb2
from atgard.v1 import event_store_service_pb2_grpc
from atgard.v1 import provider_service_pb2
from atgard.v1 import provider_service_pb2_grpc
from atgard.v1 import types_pb2
from atgard.v1 import views_pb2

TENANT = "0780"
PROVIDER = "omsorgsbolaget"
UNIT = "hemtjanst-norr"
CASE = "hn-python-1"
TIMEOUT = 15


def check(condition, detail):
    """Fails the step unless `condition` holds. A bare `assert` would do the
    same, except under `python3 -O`, which strips it and lets every step
    pass."""
    if not condition:
        raise AssertionError(detail)


def metadata(token):
    return [("authorization", "Bearer " + token)]


def options():
    return api_pb2.CommandOptions(command_id=str(uuid.uuid4()))


def date(day):
    return types_pb2.Date(year=day.year, month=day.month, day=day.day)


def expect_result(response, stream_id, event_types):
    result = response.result
    check(result.stream_id == stream_id, result)
    check(list(result.event_types) == event_types, result)
    check(not result.deduplicated, result)
    return result


def rpc_status(error):
    """The google.rpc.Status a refusal carries in its trailing metadata."""
    for key, value in error.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            status = status_pb2.Status()
            status.ParseFromString(value)
            return status
    raise AssertionError("no grpc-status-details-bin in %r" % (error,))


def main():
    address = os.environ["ATGARD_ADDRESS"]
    officer = metadata(os.environ["ATGARD_TOKEN_OFFICER"])
    staff = metadata(os.environ["ATGARD_TOKEN_PROVIDER"])
    auditor = metadata(os.environ["ATGARD_TOKEN_AUDITOR"])
    # The server judges dates by the calendar in Stockholm.
    today = datetime.datetime.now(zoneinfo.ZoneInfo("Europe/Stockholm")).date()
    day = datetime.timedelta(days=1)

    channel = grpc.insecure_channel(address)
    grpc.channel_ready_future(channel).result(timeout=TIMEOUT)
    providers = provider_service_pb2_grpc.ProviderServiceStub(channel)
    cases = case_service_pb2_grpc.CaseServiceStub(channel)
    log = event_store_service_pb2_grpc.EventStoreServiceStub(channel)
    steps = 0

    # Without credentials nothing is served.
    try:
        cases.GetCase(case_service_pb2.GetCaseRequest(case_id=CASE),
                      timeout=TIMEOUT)
        raise AssertionError("GetCase without a token was served")
    except grpc.RpcError as error:
        check(error.code() == grpc.StatusCode.UNAUTHENTICATED, error)
    steps += 1

    provider_stream = "%s/provider/%s" % (TENANT, PROVIDER)
    expect_result(
        providers.RegisterProvider(
            provider_service_pb2.RegisterProviderRequest(
                options=options(),
                command=commands_pb2.RegisterProvider(
                    provider_id=PROVIDER,
                    name="Omsorgsbolaget AB",
                    organisation_number="556677-8899",
                    regiform=types_pb2.REGIFORM_PRIVATE)),
            metadata=officer, timeout=TIMEOUT),
        provider_stream, ["ProviderRegistered"])
    steps += 1
    expect_result(
        providers.RegisterUnit(
            provider_service_pb2.RegisterUnitRequest(
                options=options(),
                command=commands_pb2.RegisterUnit(
                    provider_id=PROVIDER, unit_id=UNIT,
                    name="Hemtjänst Norr",
                    care_area=types_pb2.CARE_AREA_ELDERLY_CARE)),
            metadata=officer, timeout=TIMEOUT),
        provider_stream, ["UnitRegistered"])
    steps += 1

    # A refusal a form can show at its field: a personal identity number in
    # free text. The details name the field and a stable reason.
    try:
        cases.RegisterCase(
            case_service_pb2.RegisterCaseRequest(
                options=options(),
                command=commands_pb2.RegisterCase(
                    case_id="hn-python-fel",
                    deficiency=content_pb2.Deficiency(
                        provider_id=PROVIDER, unit_id=UNIT,
                        source=types_pb2.DEFICIENCY_SOURCE_USER_SURVEY,
                        quality_area=(
                            types_pb2.QUALITY_AREA_INDIVIDUAL_ADAPTATION),
                        indicator_kind=types_pb2.INDICATOR_KIND_RESULT,
                        severity=types_pb2.SEVERITY_HIGH,
                        description="Brukaren 19121212-1212 klagade.",
                        detected_on=date(today - 7 * day)))),
            metadata=officer, timeout=TIMEOUT)
        raise AssertionError("a personnummer in the description was accepted")
    except grpc.RpcError as error:
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, error
        status = rpc_status(error)
        assert status.code == grpc.StatusCode.INVALID_ARGUMENT.value[0], status
        assert status.message == error.details(), status
        info = error_details_pb2.ErrorInfo()
        bad_request = error_details_pb2.BadRequest()
        unpacked = set()
        for detail in status.details:
            for message in (info, bad_request):
                if detail.Unpack(message):
                    unpacked.add(type(message).__name__)
        assert unpacked == {"ErrorInfo", "BadRequest"}, status
        assert info.reason == "FIELD_INVALID", info
        assert info.domain == "atgard.se", info
        assert info.metadata["field"] == "deficiency.description", info
        violations = [(v.field, v.description)
                      for v in bad_request.field_violations]
        assert len(violations) == 1, bad_request
        assert violations[0][0] == "deficiency.description", bad_request
        assert error.details().endswith(violations[0][1]), bad_request
        assert "1212" not in str(status), status
    steps += 1

    case_stream = "%s/case/%s" % (TENANT, CASE)
    expect_result(
        cases.RegisterCase(
            case_service_pb2.RegisterCaseRequest(
                options=options(),
                command=commands_pb2.RegisterCase(
                    case_id=CASE,
                    deficiency=content_pb2.Deficiency(
                        provider_id=PROVIDER, unit_id=UNIT,
                        source=types_pb2.DEFICIENCY_SOURCE_USER_SURVEY,
                        quality_area=(
                            types_pb2.QUALITY_AREA_INDIVIDUAL_ADAPTATION),
                        indicator_kind=types_pb2.INDICATOR_KIND_RESULT,
                        severity=types_pb2.SEVERITY_HIGH,
                        description=("Kontinuiteten ligger långt under "
                                     "avtalad nivå."),
                        detected_on=date(today - 7 * day)))),
            metadata=officer, timeout=TIMEOUT),
        case_stream, ["CaseRegistered"])
    steps += 1

    complete_by = today + 60 * day
    expect_result(
        cases.RequestPlan(
            case_service_pb2.RequestPlanRequest(
                options=options(),
                command=commands_pb2.RequestPlan(
                    case_id=CASE,
                    request=content_pb2.PlanRequest(
                        background="Brukarundersökningen visar låg "
                                   "kontinuitet.",
                        start_by=date(today + 30 * day),
                        complete_by=date(complete_by),
                        submit_by=date(today + 21 * day),
                        follow_up=content_pb2.FollowUpPlan(
                            methods=[
                                types_pb2.FOLLOW_UP_METHOD_EXTRA_MEASUREMENT],
                            description="Extramätning i september."),
                        consequences="Vite enligt avtalets "
                                     "sanktionstrappa."))),
            metadata=officer, timeout=TIMEOUT),
        case_stream, ["PlanRequested"])
    steps += 1

    def action(number, cause, due, order, description):
        return content_pb2.PlannedAction(
            number=number, cause_numbers=[cause], description=description,
            operational_goal="Högst 10 olika personal per brukare.",
            due_on=date(due), order=order,
            responsible=types_pb2.ResponsiblePerson(
                name="Karin Ek", role="Schemaläggare",
                contact="karin.ek@omsorgsbolaget.example"),
            time_and_resources="Fyra veckor, befintlig personal.",
            effort=types_pb2.EFFORT_KIND_ORDINARY_WORK)

    expect_result(
        cases.SubmitPlan(
            case_service_pb2.SubmitPlanRequest(
                options=options(),
                command=commands_pb2.SubmitPlan(
                    case_id=CASE,
                    plan=content_pb2.ActionPlan(
                        causes=[
                            content_pb2.Cause(
                                number=1,
                                description="Schemaläggning per område.",
                                provider_assessment="Allvarlig brist."),
                            content_pb2.Cause(
                                number=2,
                                description="Hög personalomsättning.",
                                provider_assessment="Delvis påverkbar."),
                        ],
                        actions=[
                            action(1, 1, complete_by - 30 * day, 1,
                                   "Fasta brukargrupper per personalgrupp."),
                            action(2, 2, complete_by, 2,
                                   "Introduktionsprogram för nyanställda."),
                        ]))),
            metadata=staff, timeout=TIMEOUT),
        case_stream, ["PlanSubmitted"])
    steps += 1

    yes = content_pb2.AnsweredQuestion(answer=types_pb2.ANSWER_YES)
    approved = expect_result(
        cases.AssessPlan(
            case_service_pb2.AssessPlanRequest(
                options=options(),
                command=commands_pb2.AssessPlan(
                    case_id=CASE,
                    assessment=content_pb2.Assessment(
                        sufficient=yes, clear_effect=yes,
                        side_effects="Färre vikarier på helger.",
                        realistic_resources=yes, realistic_compensation=yes,
                        external_conditions=content_pb2.AnsweredQuestion(
                            answer=types_pb2.ANSWER_NO),
                        decision=types_pb2.ASSESSMENT_DECISION_APPROVED))),
            metadata=officer, timeout=TIMEOUT),
        case_stream, ["PlanAssessed"])
    check(approved.stream_version == 4, approved)
    steps += 1

    view = cases.GetCase(case_service_pb2.GetCaseRequest(case_id=CASE),
                         metadata=auditor, timeout=TIMEOUT).case
    check(view.case_id == CASE, view)
    check(view.version == 4, view)
    check(view.status == views_pb2.CASE_STATUS_IMPLEMENTING, view)
    check(view.regiform == types_pb2.REGIFORM_PRIVATE, view)
    check(len(view.actions) == 2, view)
    steps += 1

    # The case's events from the log, history first, then the marker.
    events = []
    call = log.Subscribe(
        event_store_service_pb2.SubscribeRequest(
            from_position=1,
            filter=event_store_service_pb2.EventFilter(
                stream_prefixes=[case_stream])),
        metadata=auditor, timeout=TIMEOUT)
    for message in call:
        if message.HasField("caught_up"):
            break
        envelope = message.event.envelope
        check(envelope.stream_id == case_stream, envelope)
        check(envelope.metadata.tenant == TENANT, envelope)
        events.append((envelope.event_type, envelope.metadata.actor_role))
    call.cancel()
    check(events == [
        ("CaseRegistered", "FOLLOW_UP_OFFICER"),
        ("PlanRequested", "FOLLOW_UP_OFFICER"),
        ("PlanSubmitted", "PROVIDER"),
        ("PlanAssessed", "FOLLOW_UP_OFFICER"),
    ], events)
    steps += 1

    print("python happy path: %d passed, 0 failed" % steps)
    return 0


if __name__ == "__main__":
    sys.exit(main())
