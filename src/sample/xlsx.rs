//! The spreadsheets of a sample client: the Spanish customer list (title row, empty row,
//! header, data, TOTAL row) and the English helpdesk ticket export (title row, header, data),
//! with dates as real Excel date cells and flags as booleans.

use super::chunk::Complaint;
use super::customer::Customer;
use super::export::ticket_id;
use super::layout::Layout;
use super::world::World;
use chrono::Datelike;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};
use std::path::Path;

/// A workbook stamped as created on the last day of history (not now), so the same seed gives
/// the same bytes.
fn workbook(world: &World) -> Result<Workbook, XlsxError> {
    let end = world.cal.date(world.cal.days() - 1);
    let created = ExcelDateTime::from_ymd(end.year() as u16, end.month() as u8, end.day() as u8)?
        .and_hms(23, 0, 0)?;
    let mut wb = Workbook::new();
    wb.set_properties(&DocProperties::new().set_creation_datetime(&created));
    Ok(wb)
}

/// Writes `clientes.xlsx`; returns the acquisition-cost total written in the TOTAL row, in cents.
pub(crate) fn write_customers(
    path: &Path,
    customers: &[Customer],
    world: &World,
    layout: Layout,
    client_name: &str,
) -> Result<i64, XlsxError> {
    let v = world.v;
    let mut wb = workbook(world)?;
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let money = Format::new().set_num_format("#,##0.00");
    let money_bold = Format::new().set_num_format("#,##0.00").set_bold();
    let ws = wb.add_worksheet();
    ws.set_name("Clientes")?;
    ws.write_string_with_format(0, 0, format!("Listado de clientes — {client_name}"), &bold)?;
    for (col, name) in layout.header(0).iter().enumerate() {
        ws.write_string_with_format(2, col as u16, *name, &bold)?;
    }
    let mut total = 0i64;
    let mut row = 3u32;
    for c in customers {
        ws.write_string(row, 0, world.customer_id(c.number))?;
        ws.write_string(row, 1, &c.name)?;
        ws.write_string(row, 2, &c.email)?;
        ws.write_string(row, 3, v.segments[c.segment as usize])?;
        ws.write_string(row, 4, v.regions[c.region as usize])?;
        ws.write_number_with_format(row, 5, world.cal.excel_serial(c.created_day, 0), &date)?;
        ws.write_string(row, 6, v.acquisition[c.channel as usize].0)?;
        ws.write_string(row, 7, v.employee(c.manager))?;
        ws.write_number_with_format(row, 8, c.acquisition_cents as f64 / 100.0, &money)?;
        total += c.acquisition_cents;
        row += 1;
    }
    ws.write_string_with_format(row, 0, "TOTAL", &bold)?;
    ws.write_number_with_format(row, 8, total as f64 / 100.0, &money_bold)?;
    for (col, width) in [10, 38, 34, 12, 22, 11, 16, 20, 15].iter().enumerate() {
        ws.set_column_width(col as u16, *width)?;
    }
    wb.save(path)?;
    Ok(total)
}

/// Writes `tickets.xlsx`.
pub(crate) fn write_tickets(
    path: &Path,
    tickets: &[(u64, Complaint)],
    world: &World,
    layout: Layout,
) -> Result<(), XlsxError> {
    let v = world.v;
    let mut wb = workbook(world)?;
    let bold = Format::new().set_bold();
    let time = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let ws = wb.add_worksheet();
    ws.set_name("Tickets")?;
    ws.write_string_with_format(0, 0, "Ticket export", &bold)?;
    for (col, name) in layout.header(3).iter().enumerate() {
        ws.write_string_with_format(1, col as u16, *name, &bold)?;
    }
    for (i, (n, c)) in tickets.iter().enumerate() {
        let row = i as u32 + 2;
        ws.write_number(row, 0, ticket_id(n + 1) as f64)?;
        ws.write_string(row, 1, world.customer_id(c.customer))?;
        let opened = world.cal.excel_serial(c.opened_day, c.opened_minute);
        ws.write_number_with_format(row, 2, opened, &time)?;
        if let Some((day, minute)) = c.resolved {
            ws.write_number_with_format(row, 3, world.cal.excel_serial(day, minute), &time)?;
        }
        ws.write_string(row, 4, v.complaint_categories[c.category as usize])?;
        ws.write_string(row, 5, v.complaint_channels[c.channel as usize])?;
        ws.write_string(row, 6, v.severities[c.severity as usize])?;
        ws.write_string(row, 7, v.status[usize::from(c.resolved.is_some())])?;
        ws.write_boolean(row, 8, c.first_contact)?;
        ws.write_boolean(row, 9, c.reopened)?;
    }
    for (col, width) in [10, 20, 17, 17, 28, 9, 9, 8, 12, 10].iter().enumerate() {
        ws.set_column_width(col as u16, *width)?;
    }
    wb.save(path)?;
    Ok(())
}
