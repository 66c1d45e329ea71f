from dbv.cli import main

main()
