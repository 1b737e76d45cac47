"""`python -m sftlint` and the `sftlint` command."""

from sftlint import collector


def main() -> None:
    with collector.paused():  # the command's imports live until it exits
        from sftlint.cli import main as run
    run()


if __name__ == "__main__":
    main()
