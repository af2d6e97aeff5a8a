"""Command line for trainers: `python -m widgets.trainer COMMAND --help` explains each command."""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from .nbgrader_course import Course, CourseError, ensure_tools_on_path
from .roster import RosterError

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
    "roster": "import learners from a CSV file (columns id, first_name, last_name, email) "
              "into nbgrader's gradebook (as `nbgrader db student import` does)",
    "grade": "collect every submission, autograde it and write feedback for you to review; one bad "
             "submission never stops the run; safe to re-run. Feedback is released only with "
             "--release-feedback or once the module's due date has passed",
    "feedback": "rewrite every learner's feedback (after manual grading in formgrader); release it to "
                "everyone with --release, or it goes out once the module's due date has passed",
    "report": "write the cohort report (HTML with figures, and the same numbers as CSV) under reports/",
    "certificates": "write a certificate PDF for each learner who completed every released module at or "
                    "above the threshold, and a CSV transcript for everyone",
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

    demo = command("demo")
    demo.add_argument("dir", type=Path, metavar="DIR", help="a new or empty folder for the throwaway course")
    demo.add_argument("--learners", type=int, default=8, metavar="N",
                      help="cohort size (default 8: the first 8 cover strong, average, struggling, "
                           "misconception, late, tampered, broken and missing)")
    demo.add_argument("--from", dest="source", type=Path, default=None, metavar="COURSE",
                      help="the course to copy (default: this project)")
    demo.add_argument("--threshold", type=threshold_value, default=0.8, help="mastery and certificate threshold")

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
    report.add_argument("--threshold", type=threshold_value, default=0.8,
                        help="mastery threshold per objective (default 0.8, i.e. 80%%)")

    certificates = command("certificates")
    course_option(certificates)
    certificates.add_argument("--threshold", type=threshold_value, default=0.8,
                              help="minimum score in every module (default 0.8, i.e. 80%%)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    ensure_tools_on_path()
    warnings.filterwarnings("ignore", module="nbgrader")  # nbgrader's own database warnings mean nothing here
    try:
        if args.command == "demo":
            from .demo import run_demo

            run_demo(args.dir, args.learners, course_root=args.source, threshold=args.threshold)
            return 0
        course = Course.open(args.course) if args.course else Course.here()
        print(course_line(course, given=args.course is not None))
        if args.command == "release":
            course.release(args.modules, scratch=args.scratch, progress=print)
            print(f"{len(args.modules)} module(s) released to learners.")
        elif args.command == "roster":
            from .roster import import_roster

            count = import_roster(course, args.file)
            print(f"{count} learner(s) imported into {course.gradebook_path}.")
        elif args.command == "grade":
            from .grading import grade_cohort

            outcomes = grade_cohort(course, args.module, feedback=not args.no_feedback, release=args.release)
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
            print(f"Transcript for everyone: {result['transcript']}")
    except (CourseError, RosterError, FileExistsError, ValueError) as error:
        print(f"Stopped: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
