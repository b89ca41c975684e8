from ctui.cli import main

raise SystemExit(main())
