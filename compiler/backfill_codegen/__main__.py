from backfill_codegen.cli import main

raise SystemExit(main())
