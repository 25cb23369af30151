"""The docs site (`backfill-codegen docs`): a catalogue page, one page per connector, and the
shared assets. Every page is plain HTML written here; manifest strings are escaped text."""
