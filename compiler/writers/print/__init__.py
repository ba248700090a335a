"""The print edition: WeasyPrint renders the HTML into pages (`pdf`, confined by `sandbox`),
line-break joiners for clreq (`kinsoku`), where each page begins (`page_map`), a book paginated
chapter by chapter (`paginate_book`) and the parts joined into one PDF (`join`). The only
writer that uses `compiler.weasyprint_patches`."""
