"""`aisc backup` and `aisc restore`: one archive with the database, the documents and a manifest
that lets a restore prove it brought everything back (see docs/deploy.md, "Backup and restore")."""
