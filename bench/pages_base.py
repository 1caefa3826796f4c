"""The home page (the frame every page shares plus every app's dashboard panel) against the
trivial view and a plain indexed query, for a learner and for a trainer.

DESIGN section 9: learner pages keep a fixed number of queries whatever the data size, and
serve at least 0.25x the trivial view's throughput.
"""

from __future__ import annotations

from _common import TRIVIAL_PATH, Report, bench_django, get, signed_in_client

HOME_BUDGET_RATIO = 0.25


def main() -> None:
    with bench_django():
        from tests.factories import UnitFactory, UserFactory, totp_enrol

        unit = UnitFactory()
        learner = UserFactory(unit=unit, agency=unit.agency)
        trainer = UserFactory(unit=unit, agency=unit.agency, roles=["trainer"])
        totp_enrol(trainer)
        clients = {"learner": signed_in_client(learner), "trainer": signed_in_client(trainer)}
        report = Report("Home page vs the trivial view (one process, interleaved rounds)")

        before = {}
        for label, client in clients.items():
            before[label] = report.queries(
                f"home page as {label}, alone in the unit", lambda client=client: get(client, "/")
            )
        UserFactory.create_batch(100, unit=unit, agency=unit.agency)
        for label, client in clients.items():
            home = lambda client=client: get(client, "/")  # noqa: E731
            report.queries(
                f"home page as {label}, 100 colleagues later", home, budget=before[label]
            )
            report.ratio_vs_trivial_view(
                f"home page as {label}", home, client=client, budget=HOME_BUDGET_RATIO
            )
            report.memory(f"home page as {label}", home)

        anonymous = signed_in_client(learner)
        anonymous.logout()
        report.ratio_vs_trivial_view(
            "sign-in page, signed out",
            lambda: get(anonymous, "/accounts/login/"),
            client=clients["learner"],
        )
        report.ratio_vs_indexed_query(
            "trivial view, signed in",
            lambda: get(clients["learner"], TRIVIAL_PATH),
            user_id=learner.pk,
        )
        report.finish()


if __name__ == "__main__":
    main()
