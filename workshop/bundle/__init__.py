"""Workshop bundles: one zip that moves a whole workshop to another instance."""

from workshop.bundle.service import BUNDLE_TABLES, FORMAT_VERSION, export_bundle, import_bundle

__all__ = ["BUNDLE_TABLES", "FORMAT_VERSION", "export_bundle", "import_bundle"]
