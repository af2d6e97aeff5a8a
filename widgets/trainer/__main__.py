"""Command line for trainers: `python -m widgets.trainer COMMAND --help` explains each command."""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from .nbgrader_course import Course, CourseError, ensure_tools_on_path
from .roster import RosterError
from .sandbox import SandboxUnavailable, cores

DESCRIPTION = """\
The trainer's side of the course: grade the cohort, see how it is doing, issue completion records.

Every command works on the course folder you run it in (the nearest folder, from here upward, that
holds nbgrader_config.py, as nbgrader itself finds its course), or on --course DIR, and first prints one
line naming that course. Results go to its reports/ folder; nbgrader keeps grades in its gradebook.db
and feedback in its feedback/ folder. Feedback goes out to learners
for a whole module at once: when you say so (--release), or once the module's due date has passed. Try
the whole loop first on a throwaway copy with simulated learners:

    python -m widgets.trainer demo /tmp/cohort-demo --learners 8
"""

COMMANDS = {
    "demo": "copy the course into DIR and play a simulated cohort through release, fetch, submit, "
            "collect, autograde, feedback, report and certificates; it says first how long it will take "
            "(minutes per learner and module) and then shows each step",
    "release": "add modules to the gradebook and release them to learners (what course.py setup does for "
               "every module whose release/ changed)",
    "roster": "import learners from a CSV file (columns id, first_name, last_name, email, and credential: "
              "the license number a certificate prints) into nbgrader's gradebook (as `nbgrader db student "
              "import` does)",
    "grade": "collect every submission, autograde it in the sandbox (several at once) and write feedback "
             "for you to review; one bad submission never stops the run; safe to stop (Ctrl+C) and run "
             "again. Feedback is released only with --release-feedback or once the module's due date has "
             "passed",
    "feedback": "rewrite every learner's feedback (after manual grading in formgrader); release it to "
                "everyone with --release, or it goes out once the module's due date has passed",
    "report": "write the cohort report (HTML with figures, and the same numbers as CSV) under reports/",
    "certificates": "write a certificate PDF for each learner who completed every released module at or "
                    "above the pass mark, the verification list of every certificate issued, and a CSV "
                    "transcript for everyone",
    "due": "set a module's due date in the gradebook and publish every due date where learners' notebooks "
           "show it (without a date: list them; --publish after changing one in formgrader)",
    "export": "write the completions for an agency's learning system: a Relias historical-upload CSV, a "
              "generic LMS gradebook CSV and xAPI statements (JSON lines), under reports/exports/",
    "packet": "write the assessment packet for a continuing-education approver: objectives, every question "
              "with its key and sources, every rubric, the references, the contact hours and a sample "
              "certificate, under reports/assessment-packet/",
}


def course_line(course: Course, *, given: bool) -> str:
    """The one line every command starts with, so the trainer always knows which course it acts on."""
    how = "given with --course" if given else "the course folder you are in"
    return f"Course {course.course_id} in {course.root} ({how})."


def threshold_value(text: str) -> float:
    value = float(text)
    if value > 1:
        value /= 100  # "80" means 80%
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError("give the threshold as 0.8 or 80 (meaning 80%)")
    return value


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("give a whole number of 1 or more")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m widgets.trainer", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=COMMANDS[name], description=COMMANDS[name] + ".")

    def course_option(p: argparse.ArgumentParser) -> None:
        p.add_argument("--course", type=Path, default=None, metavar="DIR",
                       help="the course folder (holding nbgrader_config.py); default: the course "
                            "folder you are in")

    def threshold_option(p: argparse.ArgumentParser, meaning: str) -> None:
        p.add_argument("--threshold", type=threshold_value, default=None,
                       help=f"{meaning} (default: the pass mark in course-settings.yaml, 80%%)")

    demo = command("demo")
    demo.add_argument("dir", type=Path, metavar="DIR", help="a new or empty folder for the throwaway course")
    demo.add_argument("--learners", type=int, default=8, metavar="N",
                      help="cohort size (default 8: the first 8 cover strong, average, struggling, "
                           "misconception, late, tampered, broken and missing)")
    demo.add_argument("--from", dest="source", type=Path, default=None, metavar="COURSE",
                      help="the course to copy (default: this project)")
    demo.add_argument("--threshold", type=threshold_value, default=0.8, help="mastery and certificate threshold")
    demo.add_argument("--no-sandbox", dest="sandbox", action="store_false",
                      help="grade the simulated learners without the sandbox (as grade --no-sandbox)")

    release_modules = command("release")
    release_modules.add_argument("modules", nargs="+", metavar="MODULE", help="a module folder in source/")
    course_option(release_modules)
    release_modules.add_argument("--scratch", type=Path, default=None, metavar="DIR",
                                 help="generate into DIR, leaving release/ as it is")

    roster = command("roster")
    roster.add_argument("file", type=Path, metavar="FILE.csv")
    course_option(roster)

    grade = command("grade")
    course_option(grade)
    grade.add_argument("--module", action="append", metavar="MODULE",
                       help="grade only this module (repeat for several); default: every released module")
    grade.add_argument("--no-feedback", action="store_true", help="grade without writing feedback")
    grade.add_argument("--workers", type=positive_int, default=None, metavar="N",
                       help="grade N submissions at once (default: one per core, here "
                            f"{cores()})")
    grade.add_argument("--no-sandbox", dest="sandbox", action="store_false",
                       help="grade WITHOUT the sandbox, accepting that every submission's code runs with your "
                            "permissions and can read the answer key, the gradebook and your files (see "
                            "'What the sandbox protects' in the trainer guide)")
    release = grade.add_mutually_exclusive_group()
    release.add_argument("--release-feedback", dest="release", action="store_const", const=True, default=None,
                         help="release the feedback to learners now (when everyone has submitted)")
    release.add_argument("--hold-feedback", dest="release", action="store_const", const=False,
                         help="do not release the feedback even if the due date has passed "
                              "(to mark the written answers first)")

    feedback = command("feedback")
    course_option(feedback)
    feedback.add_argument("--module", action="append", metavar="MODULE",
                          help="only this module (repeat for several); default: every released module")
    release = feedback.add_mutually_exclusive_group()
    release.add_argument("--release", dest="release", action="store_const", const=True, default=None,
                         help="release the feedback to learners now (when everyone has submitted)")
    release.add_argument("--hold", dest="release", action="store_const", const=False,
                         help="do not release it even if the due date has passed")

    report = command("report")
    course_option(report)
    threshold_option(report, "mastery threshold per objective")

    certificates = command("certificates")
    course_option(certificates)
    threshold_option(certificates, "minimum score in every module")

    due = command("due")
    course_option(due)
    due.add_argument("module", nargs="?", metavar="MODULE", help="a released module (default: list every due date)")
    due.add_argument("date", nargs="?", metavar="DATE",
                     help="2027-01-15 (the end of that day, 23:59) or '2027-01-15 17:00', in the time zone of "
                          "course-settings.yaml")
    due.add_argument("--clear", action="store_true", help="remove the module's due date")
    due.add_argument("--publish", action="store_true",
                     help="publish the gradebook's due dates to learners again (after changing one in formgrader)")

    export = command("export")
    course_option(export)
    threshold_option(export, "the score a module needs to count as passed")

    packet = command("packet")
    course_option(packet)
    return parser


def due_command(course: Course, args) -> None:
    """`due`: list, set, clear or publish due dates; every change is published to learners at once."""
    from widgets.course_settings import load_settings
    from widgets.due_dates import parse_due

    if args.module and args.module not in course.released_modules():
        raise CourseError(f"{args.module}: not a released module of this course (released: "
                          f"{', '.join(course.released_modules()) or 'none'}).")
    if args.module and args.clear:
        course.clear_due_date(args.module)
        print(f"{args.module}: due date removed.")
    elif args.module and args.date:
        due = parse_due(args.date, load_settings(course.root).zone)
        course.set_due_date(args.module, due)
        print(f"{args.module}: due {due:%Y-%m-%d %H:%M} UTC.")
    elif args.module:
        raise CourseError(f"give the date after the module, for example: python -m widgets.trainer due "
                          f"{args.module} 2027-01-15 (or --clear to remove it).")
    changed = bool(args.module) or args.publish
    for module, due in course.due_dates().items():
        print(f"  {module}: {f'due {due:%Y-%m-%d %H:%M} UTC' if due else 'no due date set'}")
    if changed:
        print(f"Published for learners in {course.publish_due_dates()}")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    ensure_tools_on_path()
    warnings.filterwarnings("ignore", module="nbgrader")  # nbgrader's own database warnings mean nothing here
    try:
        if args.command == "demo":
            from .demo import run_demo

            run_demo(args.dir, args.learners, course_root=args.source, threshold=args.threshold,
                     use_sandbox=args.sandbox)
            return 0
        course = Course.open(args.course) if args.course else Course.here()
        print(course_line(course, given=args.course is not None))
        if args.command == "release":
            course.release(args.modules, scratch=args.scratch, progress=print)
            print(f"{len(args.modules)} module(s) released to learners.")
        elif args.command == "roster":
            from .roster import import_roster

            count = import_roster(course, args.file)
            print(f"{count} learner(s) imported into {course.gradebook_shown}.")
        elif args.command == "grade":
            from .grading import GradingStopped, grade_cohort

            if not args.sandbox:
                print("Grading WITHOUT the sandbox (--no-sandbox): every submission's code runs with your "
                      "permissions.")
            try:
                outcomes = grade_cohort(course, args.module, feedback=not args.no_feedback, release=args.release,
                                        workers=args.workers, use_sandbox=args.sandbox, bar=sys.stderr.isatty())
            except GradingStopped as stopped:
                print(f"\nGrading {stopped}", file=sys.stderr)
                return 130
            except KeyboardInterrupt:  # while collecting, before any submission was graded
                print("\nGrading stopped before any submission was graded; run the same command again.",
                      file=sys.stderr)
                return 130
            count = {s: sum(o.status == s for o in outcomes)
                     for s in ("graded", "already graded", "could not be graded")}
            print(f"\n{count['graded']} submission(s) graded now, {count['already graded']} already graded, "
                  f"{count['could not be graded']} could not be graded "
                  f"(a log of each run is in {course.reports_dir / 'grading-log.csv'}).")
        elif args.command == "feedback":
            from .grading import regenerate_feedback

            regenerate_feedback(course, args.module, release=args.release)
        elif args.command == "report":
            from .report import write_report

            paths = write_report(course, threshold=args.threshold)
            print(f"Cohort report: {paths['html']}")
            for name, path in paths.items():
                if name != "html":
                    print(f"  {name}: {path}")
        elif args.command == "certificates":
            from .certificates import write_certificates

            result = write_certificates(course, threshold=args.threshold)
            print(f"{len(result['certificates'])} certificate(s) in {result['folder']}"
                  f" for: {', '.join(result['eligible']) or 'nobody yet'}")
            if not result["provider_configured"]:
                print("Provider not configured: the certificates say so and carry no approval number. Fill in "
                      "the provider in course-settings.yaml.")
            print(f"Verification list (keep it): {result['verification']}")
            print(f"Transcript for everyone: {result['transcript']}")
        elif args.command == "due":
            due_command(course, args)
        elif args.command == "export":
            from .exports import write_exports

            for name, path in write_exports(course, threshold=args.threshold).items():
                print(f"  {name}: {path}")
        elif args.command == "packet":
            from .packet import write_packet

            for name, path in write_packet(course).items():
                print(f"  {name}: {path}")
    except (CourseError, RosterError, FileExistsError, ValueError, OSError, SandboxUnavailable) as error:
        print(f"Stopped: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
