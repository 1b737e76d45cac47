from sftlint.cli import main

main()
