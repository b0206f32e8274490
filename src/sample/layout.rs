//! Which files a sample client consists of, their headers, and which go to spreadsheets — the
//! contract with ingest written down in /work/EXPORTS.md. Table order everywhere: customers,
//! transactions, interactions, complaints, surveys.

use crate::domain::Lang;
use crate::tables::TableKind;

/// Above this many customers the Spanish customer list is written as CSV (`clientes.csv`):
/// rust_xlsxwriter keeps a whole sheet in memory (1.7 GB for a million customers).
pub(crate) const CUSTOMER_SHEET_MAX: usize = 200_000;
/// Above this many customers the English ticket export (about a sixth as many rows) is written
/// as CSV (`tickets.csv`); a million customers still get a 175,000-row tickets.xlsx (~1 s).
pub(crate) const TICKET_SHEET_MAX: usize = 2_000_000;

/// Spanish headers, table by table.
const ES: [&[&str]; 5] = [
    &[
        "Cód. cliente",
        "Razón social",
        "Email",
        "Segmento",
        "Región",
        "Fecha alta",
        "Canal captación",
        "Comercial",
        "Coste captación",
    ],
    &[
        "Nº factura",
        "Fecha",
        "Cód. cliente",
        "Artículo",
        "Familia",
        "Cantidad",
        "Precio unitario",
        "Base imponible",
        "Coste",
    ],
    &[
        "Cód. cliente",
        "Fecha",
        "Canal",
        "Tipo",
        "Resultado",
        "Empleado",
    ],
    &[
        "Nº incidencia",
        "Cód. cliente",
        "Fecha apertura",
        "Fecha resolución",
        "Categoría",
        "Canal",
        "Gravedad",
        "Estado",
        "Resuelta primer contacto",
        "Reabierta",
    ],
    &["Cód. cliente", "Fecha", "NPS", "CSAT", "Comentario"],
];

/// English headers, table by table.
const EN: [&[&str]; 5] = [
    &[
        "Customer ID",
        "Company Name",
        "Email",
        "Segment",
        "Region",
        "Create Date",
        "Lead Source",
        "Account Owner",
        "Acquisition Cost",
    ],
    &[
        "InvoiceNo",
        "InvoiceDate",
        "CustomerID",
        "Product",
        "Category",
        "Quantity",
        "UnitPrice",
        "Amount",
        "Cost",
        "Currency",
    ],
    &[
        "Customer ID",
        "Activity Date",
        "Channel",
        "Activity Type",
        "Outcome",
        "Owner",
    ],
    &[
        "Ticket Id",
        "Customer ID",
        "Created Time",
        "Resolved Time",
        "Category",
        "Channel",
        "Priority",
        "Status",
        "First Contact Resolution",
        "Reopened",
    ],
    &[
        "Customer ID",
        "Response Date",
        "NPS Score",
        "CSAT Score",
        "Comment",
    ],
];

/// The files of one sample client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Layout {
    /// Export style.
    pub(crate) lang: Lang,
    /// Whether the spreadsheet table (customers in Spanish, complaints in English) is an xlsx.
    pub(crate) sheet: bool,
}

impl Layout {
    /// The layout for a client of `customers` customers.
    pub(crate) fn new(lang: Lang, customers: usize) -> Layout {
        let limit = match lang {
            Lang::Es => CUSTOMER_SHEET_MAX,
            Lang::En => TICKET_SHEET_MAX,
        };
        Layout {
            lang,
            sheet: customers <= limit,
        }
    }

    /// Headers of a table's file.
    pub(crate) fn header(&self, table: usize) -> &'static [&'static str] {
        match self.lang {
            Lang::Es => ES[table],
            Lang::En => EN[table],
        }
    }

    /// The table (index in [`TableKind::ALL`]) that goes to a spreadsheet, if any.
    pub(crate) fn sheet_table(&self) -> Option<usize> {
        match (self.sheet, self.lang) {
            (false, _) => None,
            (true, Lang::Es) => Some(0),
            (true, Lang::En) => Some(3),
        }
    }

    /// File name of a table.
    pub(crate) fn file(&self, table: usize) -> &'static str {
        let xlsx = self.sheet_table() == Some(table);
        match (self.lang, table, xlsx) {
            (Lang::Es, 0, true) => "clientes.xlsx",
            (Lang::Es, 0, false) => "clientes.csv",
            (Lang::Es, 1, _) => "facturas.csv",
            (Lang::Es, 2, _) => "actividades.csv",
            (Lang::Es, 3, _) => "reclamaciones.csv",
            (Lang::Es, _, _) => "encuestas.csv",
            (Lang::En, 0, _) => "customers.csv",
            (Lang::En, 1, _) => "invoices.csv",
            (Lang::En, 2, _) => "activities.csv",
            (Lang::En, 3, true) => "tickets.xlsx",
            (Lang::En, 3, false) => "tickets.csv",
            (Lang::En, _, _) => "surveys.csv",
        }
    }

    /// Whether a CSV file starts with a UTF-8 byte-order mark (HubSpot's customer export does).
    pub(crate) fn bom(&self, table: usize) -> bool {
        self.lang == Lang::En && table == 0
    }

    /// The canonical table of an index.
    pub(crate) fn kind(table: usize) -> TableKind {
        TableKind::ALL[table]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_clients_get_csv_instead_of_spreadsheets() {
        assert_eq!(Layout::new(Lang::Es, 3000).file(0), "clientes.xlsx");
        assert_eq!(Layout::new(Lang::Es, 1_000_000).file(0), "clientes.csv");
        assert_eq!(Layout::new(Lang::En, 3000).file(3), "tickets.xlsx");
        assert_eq!(Layout::new(Lang::En, 1_000_000).file(3), "tickets.xlsx");
        assert_eq!(Layout::new(Lang::En, 3_000_000).file(3), "tickets.csv");
    }

    #[test]
    fn every_table_has_a_header_naming_the_customer() {
        for lang in [Lang::Es, Lang::En] {
            let l = Layout::new(lang, 10);
            for t in 0..5 {
                assert!(
                    l.header(t)
                        .iter()
                        .any(|h| h.contains("liente") || h.contains("Customer"))
                );
            }
        }
    }
}
