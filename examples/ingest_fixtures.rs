//! Writes the binary and re-encoded fixtures under tests/fixtures/ingest/ (xlsx through
//! rust_xlsxwriter, Windows-1252 and UTF-16 text through encoding). The files are committed; run
//! this only to change them, then `python3 tests/fixtures/ingest/make_fixtures.py` for the .ods
//! and the 1904-system workbook:
//!
//! `cargo run --release --example ingest_fixtures`

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use std::path::{Path, PathBuf};

enum Cell<'a> {
    S(&'a str),
    N(f64),
    /// A date or date-time cell (`2026-03-14` or `2026-03-14 10:22:00`).
    D(&'a str),
    B(bool),
    E,
}
use Cell::{B, D, E, N, S};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ingest")
}

fn write_rows(ws: &mut Worksheet, first_row: u32, rows: &[Vec<Cell>]) -> Result<(), XlsxError> {
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let datetime = Format::new().set_num_format("dd/mm/yyyy hh:mm");
    for (r, row) in rows.iter().enumerate() {
        let r = first_row + r as u32;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                S(s) => ws.write_string(r, c, *s).map(|_| ())?,
                N(n) => ws.write_number(r, c, *n).map(|_| ())?,
                D(d) => {
                    let f = if d.len() > 10 { &datetime } else { &date };
                    ws.write_datetime_with_format(r, c, ExcelDateTime::parse_from_str(d)?, f)
                        .map(|_| ())?
                }
                B(b) => ws.write_boolean(r, c, *b).map(|_| ())?,
                E => {}
            }
        }
    }
    Ok(())
}

/// Spanish customers: title row merged across, blank row, header on row 3, an empty row inside
/// the data, a text date, and a TOTAL row whose cost is the column's sum (600.5).
fn clientes_xlsx(path: &Path) -> Result<(), XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("Clientes")?;
    ws.merge_range(
        0,
        0,
        0,
        8,
        "Listado de clientes — Ferretería Sol",
        &Format::new(),
    )?;
    let header = [
        "Cód. cliente",
        "Razón social",
        "Email",
        "Segmento",
        "Región",
        "Fecha alta",
        "Canal captación",
        "Comercial",
        "Coste captación",
    ];
    let rows = vec![
        header.iter().map(|h| S(h)).collect(),
        vec![
            S("C000001"),
            S("Construcciones Álvarez S.L."),
            S("alvarez@example.es"),
            S("Pyme"),
            S("Madrid"),
            D("2024-02-15"),
            S("Feria"),
            S("Lucía Gómez"),
            N(120.5),
        ],
        vec![
            S("C000002"),
            S("Ferretería Núñez"),
            S("nunez@example.es"),
            S("Autónomo"),
            S("Sevilla"),
            D("2024-06-01"),
            S("Web"),
            S("Pablo Ruiz"),
            N(80.0),
        ],
        vec![
            S("000123"),
            S("Reformas Ibáñez"),
            S("ibanez@example.es"),
            S("Pyme"),
            S("Valencia"),
            D("2025-01-10"),
            S("Referido"),
            S("Lucía Gómez"),
            N(45.25),
        ],
        vec![
            S("C000004"),
            S("Hogar y Jardín Peña"),
            S("pena@example.es"),
            S("Gran cuenta"),
            S("Madrid"),
            D("2025-03-20"),
            S("Comercial"),
            S("Pablo Ruiz"),
            N(300.0),
        ],
        vec![],
        vec![
            S("C000005"),
            S("Electricidad Muñoz"),
            S("munoz@example.es"),
            S("Pyme"),
            S("Bilbao"),
            S("14/03/2025"),
            S("Web"),
            S("Lucía Gómez"),
            N(54.75),
        ],
        vec![S("TOTAL"), E, E, E, E, E, E, E, N(600.5)],
    ];
    write_rows(ws, 2, &rows)?;
    wb.save(path)
}

/// English helpdesk export: title on row 1, header on row 2, date-time cells, booleans, a
/// numeric ticket id, an open ticket with no resolved time.
fn tickets_xlsx(path: &Path) -> Result<(), XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("Tickets")?;
    ws.write_string(0, 0, "Ticket export")?;
    let header = [
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
    ];
    let rows = vec![
        header.iter().map(|h| S(h)).collect(),
        vec![
            N(5001.0),
            S("000981"),
            D("2026-03-03 09:15:00"),
            D("2026-03-03 17:40:00"),
            S("Billing"),
            S("Email"),
            S("Low"),
            S("Solved"),
            B(true),
            B(false),
        ],
        vec![
            N(5002.0),
            S("123456789012345678"),
            D("2026-03-16 11:00:00"),
            E,
            S("Outage"),
            S("Phone"),
            S("Critical"),
            S("Open"),
            B(false),
            B(false),
        ],
        vec![
            N(5003.0),
            S("C-77"),
            D("2026-04-02 08:30:00"),
            D("2026-04-06 12:00:00"),
            S("Product"),
            S("Chat"),
            S("High"),
            S("Solved"),
            B(false),
            B(true),
        ],
    ];
    write_rows(ws, 1, &rows)?;
    wb.save(path)
}

/// A workbook as a client sends it: title merged across, a two-row header whose first and last
/// cells are merged vertically and whose middle cells sit under a merged group label, numeric
/// ids (1001 and 1002.0), date cells.
fn export_clientes_xlsx(path: &Path) -> Result<(), XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("Hoja1")?;
    let f = Format::new();
    ws.merge_range(0, 0, 0, 3, "Clientes activos a 30/06/2026", &f)?;
    ws.merge_range(1, 0, 2, 0, "Código cliente", &f)?;
    ws.merge_range(1, 1, 1, 2, "Datos de contacto", &f)?;
    ws.merge_range(1, 3, 2, 3, "Fecha alta", &f)?;
    ws.write_string(2, 1, "Nombre")?;
    ws.write_string(2, 2, "Email")?;
    let rows = vec![
        vec![
            N(1001.0),
            S("Bar Pepe"),
            S("pepe@bar.example"),
            D("2023-05-04"),
        ],
        vec![
            N(1002.0),
            S("Panadería Sol"),
            S("sol@pan.example"),
            D("2024-11-20"),
        ],
        vec![
            N(1003.0),
            S("Taller Ruiz"),
            S("ruiz@taller.example"),
            D("2025-02-01"),
        ],
    ];
    write_rows(ws, 3, &rows)?;
    wb.save(path)
}

/// Second half-year of sales: dates as plain Excel serial numbers (no date format), amounts as
/// numbers, and an unlabelled totals row at the bottom (no id, the amount column's sum).
fn ventas_s2_xlsx(path: &Path) -> Result<(), XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("Ventas")?;
    // 46218 = 2026-07-15, 46266 = 2026-09-01 (1900 system).
    let rows = vec![
        vec![S("Fecha"), S("Cód. cliente"), S("Base imponible")],
        vec![N(46218.0), N(1001.0), N(150.0)],
        vec![N(46266.0), N(1003.0), N(99.9)],
        vec![E, E, N(249.9)],
    ];
    write_rows(ws, 0, &rows)?;
    wb.save(path)
}

/// Ids stored as numbers: an 18-digit one already lost its last digits inside the file.
fn long_ids_xlsx(path: &Path) -> Result<(), XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("Clientes")?;
    let rows = vec![
        vec![S("Customer ID"), S("Company Name")],
        vec![N(123456789012345678.0), S("Numeric Corp")],
        vec![S("123456789012345678"), S("Text Corp")],
        vec![N(42.0), S("Small Id SL")],
    ];
    write_rows(ws, 0, &rows)?;
    wb.save(path)
}

/// Typed columns as a data warehouse writes them: integer ids, a Date, a float amount, and a
/// text date column that still needs parsing.
fn invoices_parquet(path: &Path) {
    use polars::prelude::*;
    let days: Vec<i32> = vec![20_530, 20_531]; // 2026-03-18, 2026-03-19
    let mut df = DataFrame::new(
        2,
        vec![
            Column::new("customer_id".into(), [981i64, 77]),
            Int32Chunked::from_vec("date".into(), days)
                .into_date()
                .into_column(),
            Column::new("net_amount".into(), [125.0f64, -25.0]),
            Column::new("invoice_id".into(), ["INV-1", "CN-1"]),
        ],
    )
    .unwrap();
    let file = std::fs::File::create(path).unwrap();
    ParquetWriter::new(file).finish(&mut df).unwrap();
}

fn windows_1252(path: &Path, text: &str) {
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(
        !unmappable,
        "{} has characters outside Windows-1252",
        path.display()
    );
    std::fs::write(path, bytes).unwrap();
}

fn utf16le_bom(path: &Path, text: &str) {
    let mut bytes = vec![0xFF, 0xFE];
    text.encode_utf16()
        .for_each(|u| bytes.extend_from_slice(&u.to_le_bytes()));
    std::fs::write(path, bytes).unwrap();
}

fn utf16be_bom(path: &Path, text: &str) {
    let mut bytes = vec![0xFE, 0xFF];
    text.encode_utf16()
        .for_each(|u| bytes.extend_from_slice(&u.to_be_bytes()));
    std::fs::write(path, bytes).unwrap();
}

fn crlf(lines: &[&str]) -> String {
    lines.iter().map(|l| format!("{l}\r\n")).collect()
}

fn main() {
    let es = root().join("es-client");
    clientes_xlsx(&es.join("clientes.xlsx")).unwrap();
    windows_1252(
        &es.join("facturas.csv"),
        &crlf(&[
            "Nº factura;Fecha;Cód. cliente;Artículo;Familia;Cantidad;Precio unitario;Base imponible;Coste",
            "F2026-0001;05/01/2026;C000001;Taladro percutor;Herramientas;2;149,90;299,80;180,00",
            "F2026-0001;05/01/2026;C000001;Brocas 10 uds;Accesorios;5;12,50;62,50;30,00",
            "F2026-0002;13/01/2026;000123;Cortacésped;Jardín;1;1.234,56;1.234,56;800,00",
            "F2026-0003;20/01/2026;C000002;Tornillería;Fijación;100;0,15;15,00;6,00",
            "R2026-0001;25/01/2026;000123;Cortacésped (abono);Jardín;-1;1.234,56;-1.234,56;-800,00",
            "F2026-0004;31/02/2026;C000004;Escalera;Herramientas;1;89,00;89,00;50,00",
            "F2026-0005;03/02/2026;;Guantes;Accesorios;10;2,50;25,00;10,00",
            "F2026-0006;10/02/2026;C000099;Pintura;Pintura;3;20,00;60,00;35,00",
            "F2026-0003;20/01/2026;C000002;Tornillería;Fijación;100;0,15;15,00;6,00",
            "F2026-0007;15/02/2026;C000004;\"Manguera; 25 m\";Jardín;1;35,00;35,00;n/d",
        ]),
    );
    windows_1252(
        &es.join("actividades.csv"),
        &crlf(&[
            "Cód. cliente;Fecha;Canal;Tipo;Resultado;Empleado",
            "C000001;07/01/2026 09:30;Teléfono;Venta;Pedido;Lucía Gómez",
            "000123;14/01/2026 16:05;Visita;Servicio;Resuelto;Pablo Ruiz",
            "C000002;02/02/2026 11:00;WhatsApp;Seguimiento;Sin respuesta;Lucía Gómez",
            "C000004;03/02/2026 10:15;Email;Cobro;Pagado;Pablo Ruiz",
        ]),
    );
    windows_1252(
        &es.join("reclamaciones.csv"),
        &crlf(&[
            "Nº incidencia;Cód. cliente;Fecha apertura;Fecha resolución;Categoría;Canal;Gravedad;Estado;Resuelta primer contacto;Reabierta",
            "INC-001;000123;15/01/2026 10:00;17/01/2026 12:30;Producto defectuoso;Teléfono;Alta;Cerrada;No;Sí",
            "INC-002;C000002;21/01/2026 09:00;;Retraso entrega;Email;Media;Abierta;No;No",
            "INC-003;C000001;03/02/2026 13:45;03/02/2026 14:00;Facturación;Teléfono;Baja;Cerrada;Sí;No",
        ]),
    );
    windows_1252(
        &es.join("encuestas.csv"),
        &crlf(&[
            "Cód. cliente;Fecha;NPS;CSAT;Comentario",
            "C000001;20/01/2026;9;;\"Muy buen servicio; volveremos\"",
            "000123;25/01/2026;3;2;\"El cortacésped llegó roto.\r\nTardaron en responder\"",
            "C000002;28/01/2026;;5;Rápidos y amables",
            "C000004;02/02/2026;11;;Fuera de escala",
        ]),
    );

    let en = root().join("en-client");
    tickets_xlsx(&en.join("tickets.xlsx")).unwrap();

    let messy = root().join("messy-client");
    export_clientes_xlsx(&messy.join("Export Clientes 2026.xlsx")).unwrap();
    ventas_s2_xlsx(&messy.join("ventas 2026-S2.xlsx")).unwrap();
    utf16le_bom(
        &messy.join("ventas 2026-S1.csv"),
        &crlf(&[
            "Fecha\tCliente\tImporte\tFactura",
            "02-01-2026\t1001\t€ 1.234,56\tA-1",
            "17-02-2026\t1002\t12.345\tA-2",
            "28-03-2026\t1001\t(123,45)\tA-3",
            "30-06-2026\t1003\t99,90\tA-4",
        ]),
    );

    let cases = root().join("cases");
    utf16be_bom(
        &cases.join("utf16be.csv"),
        "Customer ID,Date,Amount\nCÓ-1,2026-05-04,7.5\n",
    );
    windows_1252(
        &cases.join("ventas_b.csv"),
        "Fecha;Cliente;Importe\n02/02/2026;Peña;2,50\n",
    );
    long_ids_xlsx(&cases.join("long_ids.xlsx")).unwrap();
    invoices_parquet(&cases.join("invoices.parquet"));
}
