//! Indicators stage: RFM scores and named segments over the activity window at P.
//!
//! Depends on [`super::status`] (recency, frequency and monetary value per customer in E).

use super::definition::Definition;
use super::status::PeriodStatus;
use crate::figure::{Figure, Missing};
use polars::prelude::*;
use serde::{Deserialize, Serialize};

/// Named RFM segments, in the order the report lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RfmSegment {
    /// R ≥ 4 and FM ≥ 4.
    Champions,
    /// R ≥ 3 and FM ≥ 3 (not a champion).
    Loyal,
    /// R ≥ 4 and 2 ≤ FM < 3.
    PotentialLoyalist,
    /// R = 5 and FM < 2.
    New,
    /// R = 4 and FM < 2.
    Promising,
    /// R = 3 and 2 ≤ FM < 3.
    NeedAttention,
    /// R = 3 and FM < 2.
    AboutToSleep,
    /// R ≤ 2 and FM ≥ 3 (not "can't lose them").
    AtRisk,
    /// R = 1 and FM ≥ 4.
    CantLoseThem,
    /// R ≤ 2 and 2 ≤ FM < 3.
    Hibernating,
    /// R ≤ 2 and FM < 2.
    Lost,
}

impl RfmSegment {
    /// Every segment, in report order.
    pub const ALL: [RfmSegment; 11] = [
        RfmSegment::Champions,
        RfmSegment::Loyal,
        RfmSegment::PotentialLoyalist,
        RfmSegment::New,
        RfmSegment::Promising,
        RfmSegment::NeedAttention,
        RfmSegment::AboutToSleep,
        RfmSegment::AtRisk,
        RfmSegment::CantLoseThem,
        RfmSegment::Hibernating,
        RfmSegment::Lost,
    ];

    /// English label.
    pub fn label_en(self) -> &'static str {
        self.labels().0
    }

    /// Spanish label.
    pub fn label_es(self) -> &'static str {
        self.labels().1
    }

    fn labels(self) -> (&'static str, &'static str) {
        match self {
            RfmSegment::Champions => ("Champions", "Campeones"),
            RfmSegment::Loyal => ("Loyal", "Leales"),
            RfmSegment::PotentialLoyalist => ("Potential loyalist", "Leales potenciales"),
            RfmSegment::New => ("New", "Nuevos"),
            RfmSegment::Promising => ("Promising", "Prometedores"),
            RfmSegment::NeedAttention => ("Need attention", "Requieren atención"),
            RfmSegment::AboutToSleep => ("About to sleep", "A punto de dormirse"),
            RfmSegment::AtRisk => ("At risk", "En riesgo"),
            RfmSegment::CantLoseThem => ("Can't lose them", "No podemos perderlos"),
            RfmSegment::Hibernating => ("Hibernating", "Hibernando"),
            RfmSegment::Lost => ("Lost", "Perdidos"),
        }
    }

    /// Index in [`RfmSegment::ALL`], as the segment column stores it.
    fn index(self) -> i32 {
        RfmSegment::ALL.iter().position(|s| *s == self).unwrap_or(0) as i32
    }
}

/// Customers and revenue of one segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentFigures {
    /// The segment.
    pub segment: RfmSegment,
    /// Customers in it.
    pub customers: u64,
    /// Their revenue over the window.
    pub revenue: f64,
    /// Customers / all scored customers.
    pub customer_share: f64,
    /// Revenue / all scored revenue; `None` when that total is not positive.
    pub revenue_share: Option<f64>,
}

/// One cell of the recency × frequency grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RfmCell {
    /// Recency score 1–5 (5 = most recent).
    pub recency: u8,
    /// Frequency score 1–5 (5 = most frequent).
    pub frequency: u8,
    /// Customers in the cell.
    pub customers: u64,
    /// Their revenue over the window.
    pub revenue: f64,
}

/// RFM over the customers active in the A days ending P.end.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Rfm {
    /// Customers scored (E).
    pub customers: Figure,
    /// Every segment, in report order, empty ones included.
    pub segments: Vec<SegmentFigures>,
    /// Non-empty cells of the recency × frequency grid, by recency then frequency.
    pub grid: Vec<RfmCell>,
}

/// `1 + ⌊5 · (customers strictly worse) / n⌋` from a rank taken with ties at their minimum.
fn score(rank_min: Expr) -> Expr {
    ((rank_min.cast(DataType::Float64) - lit(1.0)) * lit(5.0) / len().cast(DataType::Float64))
        .floor()
        .cast(DataType::Int32)
        + lit(1)
}

fn segment_expr() -> Expr {
    let (r, fm) = (|| col("r"), || col("f") + col("m"));
    use RfmSegment::*;
    let rules = [
        (r().gt_eq(lit(4)).and(fm().gt_eq(lit(8))), Champions),
        (r().gt_eq(lit(3)).and(fm().gt_eq(lit(6))), Loyal),
        (r().eq(lit(5)).and(fm().lt(lit(4))), New),
        (r().gt_eq(lit(4)).and(fm().gt_eq(lit(4))), PotentialLoyalist),
        (r().eq(lit(4)), Promising),
        (r().eq(lit(3)).and(fm().gt_eq(lit(4))), NeedAttention),
        (r().eq(lit(3)), AboutToSleep),
        (r().eq(lit(1)).and(fm().gt_eq(lit(8))), CantLoseThem),
        (fm().gt_eq(lit(6)), AtRisk),
        (fm().gt_eq(lit(4)), Hibernating),
    ];
    let mut iter = rules.into_iter();
    let ((c0, s0), (c1, s1)) = (iter.next().expect("rules"), iter.next().expect("rules"));
    let mut chain = when(c0)
        .then(lit(s0.index()))
        .when(c1)
        .then(lit(s1.index()));
    for (cond, seg) in iter {
        chain = chain.when(cond).then(lit(seg.index()));
    }
    chain.otherwise(lit(Lost.index()))
}

/// Per customer in E: `r`, `f`, `m` scores, `segment` (index in [`RfmSegment::ALL`]), `revenue`.
fn scored(status: &PeriodStatus) -> PolarsResult<LazyFrame> {
    let base = status
        .lazy()
        .filter(col("in_end_base"))
        .select([
            (lit(status.windows.end) - col("last_purchase_window")).alias("recency"),
            col("purchase_days_window").alias("frequency"),
            col("revenue_window").alias("revenue"),
        ])
        .collect()?;
    // Each score's rank: counted per value for the integer scores (recency and frequency, of
    // narrow spans), polars' rank (an arg-sort of the customers of E) for the revenue.
    let ranked = |name: &str, descending: bool| -> PolarsResult<Expr> {
        Ok(match rank_min(base.column(name)?, descending)? {
            Some(ranks) => lit(ranks),
            None => col(name).rank(
                RankOptions {
                    method: RankMethod::Min,
                    descending,
                },
                None,
            ),
        })
    };
    let (r, f, m) = (
        ranked("recency", true)?,
        ranked("frequency", false)?,
        ranked("revenue", false)?,
    );
    Ok(base
        .lazy()
        .with_columns([
            score(r).alias("r"),
            score(f).alias("f"),
            score(m).alias("m"),
        ])
        .with_column(segment_expr().alias("segment")))
}

/// Widest span of values [`rank_min`] counts (one counter per value in the span).
const MAX_COUNTED_SPAN: i64 = 1 << 22;

/// polars' `rank` with ties at their minimum, of an integer column without nulls whose values
/// span at most [`MAX_COUNTED_SPAN`] (recency in days, frequency in purchase days): 1 + the
/// number of values strictly before each one (below it ascending, above it descending), from
/// one count per value. `None` for any other column, which polars ranks with an arg-sort.
fn rank_min(column: &Column, descending: bool) -> PolarsResult<Option<Series>> {
    if !column.dtype().is_integer() || column.null_count() > 0 || column.is_empty() {
        return Ok(None);
    }
    let values = column.cast(&DataType::Int64)?;
    let values = values.i64()?;
    let (Some(lo), Some(hi)) = (values.min(), values.max()) else {
        return Ok(None);
    };
    if hi - lo >= MAX_COUNTED_SPAN {
        return Ok(None);
    }
    let span = (hi - lo + 1) as usize;
    let mut count = vec![0 as IdxSize; span];
    for v in values.into_no_null_iter() {
        count[(v - lo) as usize] += 1;
    }
    // before[i]: values strictly before value lo + i in the order asked.
    let mut before = vec![0 as IdxSize; span];
    let mut running: IdxSize = 0;
    let order: Box<dyn Iterator<Item = usize>> = if descending {
        Box::new((0..span).rev())
    } else {
        Box::new(0..span)
    };
    for i in order {
        before[i] = running;
        running += count[i];
    }
    let ranks: Vec<IdxSize> = values
        .into_no_null_iter()
        .map(|v| before[(v - lo) as usize] + 1)
        .collect();
    Ok(Some(
        IdxCa::from_vec(column.name().clone(), ranks).into_series(),
    ))
}

pub(crate) fn compute(status: &PeriodStatus) -> PolarsResult<Rfm> {
    if !status.coverage.end_window {
        return Ok(Rfm {
            customers: Figure::missing(Missing::OutsideData),
            segments: Vec::new(),
            grid: Vec::new(),
        });
    }
    let scores = scored(status)?.collect()?;
    let n = scores.height() as f64;
    let total: f64 = scores.column("revenue")?.f64()?.sum().unwrap_or(0.0);
    let by = |keys: Vec<Expr>| -> PolarsResult<DataFrame> {
        scores
            .clone()
            .lazy()
            .group_by(keys)
            .agg([
                len().cast(DataType::Float64).alias("n"),
                col("revenue").sum(),
            ])
            .collect()
    };
    let seg = by(vec![col("segment")])?;
    let (ids, counts, revenue) = (
        seg.column("segment")?.i32()?,
        seg.column("n")?.f64()?,
        seg.column("revenue")?.f64()?,
    );
    let segments = RfmSegment::ALL
        .iter()
        .map(|s| {
            let row = (0..seg.height()).find(|&i| ids.get(i) == Some(s.index()));
            let customers = row.and_then(|i| counts.get(i)).unwrap_or(0.0);
            let rev = row.and_then(|i| revenue.get(i)).unwrap_or(0.0);
            SegmentFigures {
                segment: *s,
                customers: customers as u64,
                revenue: rev,
                customer_share: if n > 0.0 { customers / n } else { 0.0 },
                revenue_share: (total > 0.0).then(|| rev / total),
            }
        })
        .collect();
    let cells = by(vec![col("r"), col("f")])?.sort(["r", "f"], Default::default())?;
    let (r, f) = (cells.column("r")?.i32()?, cells.column("f")?.i32()?);
    let (cn, cr) = (cells.column("n")?.f64()?, cells.column("revenue")?.f64()?);
    let grid = (0..cells.height())
        .map(|i| RfmCell {
            recency: r.get(i).unwrap_or(0) as u8,
            frequency: f.get(i).unwrap_or(0) as u8,
            customers: cn.get(i).unwrap_or(0.0) as u64,
            revenue: cr.get(i).unwrap_or(0.0),
        })
        .collect();
    Ok(Rfm {
        customers: Figure::of(n),
        segments,
        grid,
    })
}

/// Methodology text of the RFM family.
pub const DEFINITIONS: &[Definition] = &[Definition {
    id: "rfm",
    name_en: "RFM segments",
    name_es: "Segmentos RFM",
    en: "Over the customers active in the A days ending the period's last day: recency = days from \
         the last purchase to that day, frequency = distinct purchase days in the window, monetary = \
         net revenue in the window. Each is scored 1–5 by quintile: score = 1 + ⌊5 · w / n⌋, w being \
         the number of customers with a strictly worse value and n the number of customers, so tied \
         customers share a score (5 = most recent, most frequent, highest value). With FM = (F + M) \
         / 2, segments are assigned by the first matching rule: Champions R ≥ 4, FM ≥ 4; Loyal \
         R ≥ 3, FM ≥ 3; New R = 5, FM < 2; Potential loyalist R ≥ 4, FM ≥ 2; Promising R = 4, \
         FM < 2; Need attention R = 3, FM ≥ 2; About to sleep R = 3, FM < 2; Can't lose them R = 1, \
         FM ≥ 4; At risk R ≤ 2, FM ≥ 3; Hibernating R ≤ 2, FM ≥ 2; Lost R ≤ 2, FM < 2.",
    es: "Sobre los clientes activos en los A días que terminan el último día del periodo: recencia = \
         días desde la última compra hasta ese día, frecuencia = días de compra distintos en la \
         ventana, valor = ingresos netos en la ventana. Cada uno se puntúa de 1 a 5 por quintiles: \
         puntuación = 1 + ⌊5 · w / n⌋, siendo w el número de clientes con un valor estrictamente peor \
         y n el número de clientes, de modo que los empates comparten puntuación (5 = más reciente, \
         más frecuente, mayor valor). Con FM = (F + M) / 2, el segmento es la primera regla que se \
         cumple: Campeones R ≥ 4, FM ≥ 4; Leales R ≥ 3, FM ≥ 3; Nuevos R = 5, FM < 2; Leales \
         potenciales R ≥ 4, FM ≥ 2; Prometedores R = 4, FM < 2; Requieren atención R = 3, FM ≥ 2; \
         A punto de dormirse R = 3, FM < 2; No podemos perderlos R = 1, FM ≥ 4; En riesgo R ≤ 2, \
         FM ≥ 3; Hibernando R ≤ 2, FM ≥ 2; Perdidos R ≤ 2, FM < 2.",
}];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::context::Context;
    use crate::indicators::fixture;

    #[test]
    fn quintile_scores_and_segments_follow_the_documented_rules() {
        let (tables, settings) = (fixture::tables(), fixture::settings());
        let ctx = Context::prepare(&tables, &settings).unwrap();
        let rfm = compute(&fixture::status(&ctx, fixture::period())).unwrap();
        // E = 14 customers. Recency (days to 2026-06-30), frequency (purchase days), monetary:
        //   c10 0/1/75  c17 20/1/95  c19 25/3/3000  c15 29/2/200  c07 41/1/90  c09 46/1/150
        //   c03 49/1/120  c02 56/2/370  c01 71/2/350  c11 76/2/140  c13 86/2/250  c20 140/1/100
        //   c16 211/1/150  c04 364/1/90
        // score = 1 + ⌊5 w / 14⌋ (w = customers strictly worse):
        //   R: c10 w13→5, c17 12→5, c19 11→4, c15 10→4, c07 9→4, c09 8→3, c03 7→3, c02 6→3,
        //      c01 5→2, c11 4→2, c13 3→2, c20 2→1, c16 1→1, c04 0→1
        //   F: frequency 1 (8 customers) w0→1, 2 (5) w8→3, 3 (c19) w13→5
        //   M: c10 w0→1, c04 c07 w1→1, c17 w3→2, c20 w4→2, c03 w5→2, c11 w6→3, c09 c16 w7→3,
        //      c15 w9→4, c13 w10→4, c01 w11→4, c02 w12→5, c19 w13→5
        // segments (F+M): c19 R4 10 Champions; c02 R3 8, c15 R4 7 Loyal; c10 R5 2, c17 R5 3 New;
        //   c07 R4 2 Promising; c09 R3 4 Need attention; c03 R3 3 About to sleep;
        //   c01 R2 7, c11 R2 6, c13 R2 7 At risk; c16 R1 4 Hibernating; c04 R1 2, c20 R1 3 Lost
        assert_eq!(rfm.customers.value, Some(14.0));
        let expect = [
            (RfmSegment::Champions, 1, 3000.0),
            (RfmSegment::Loyal, 2, 570.0),
            (RfmSegment::PotentialLoyalist, 0, 0.0),
            (RfmSegment::New, 2, 170.0),
            (RfmSegment::Promising, 1, 90.0),
            (RfmSegment::NeedAttention, 1, 150.0),
            (RfmSegment::AboutToSleep, 1, 120.0),
            (RfmSegment::AtRisk, 3, 740.0),
            (RfmSegment::CantLoseThem, 0, 0.0),
            (RfmSegment::Hibernating, 1, 150.0),
            (RfmSegment::Lost, 2, 190.0),
        ];
        for (got, (segment, customers, revenue)) in rfm.segments.iter().zip(expect) {
            assert_eq!(
                (got.segment, got.customers, got.revenue),
                (segment, customers, revenue)
            );
        }
        // revenue shares over Σ M = 5180: Champions 3000 / 5180
        assert!((rfm.segments[0].revenue_share.unwrap() - 3000.0 / 5180.0).abs() < 1e-12);
        assert!((rfm.segments[7].customer_share - 3.0 / 14.0).abs() < 1e-12);
        // grid cell R5 × F1 = {c10, c17}: 2 customers, 170 of revenue
        let cell = rfm
            .grid
            .iter()
            .find(|c| c.recency == 5 && c.frequency == 1)
            .unwrap();
        assert_eq!((cell.customers, cell.revenue), (2, 170.0));
        assert_eq!(rfm.grid.iter().map(|c| c.customers).sum::<u64>(), 14);
    }

    #[test]
    fn ranks_on_a_sorted_copy_equal_polars_ranks() {
        let ints = Column::new("i".into(), [5i32, 3, 3, 9, -1, 3, 0, 9, 7]);
        let days = Column::new("u".into(), [2u32, 0, 2, 2, 40, 1]);
        for column in [ints, days] {
            for descending in [false, true] {
                let options = RankOptions {
                    method: RankMethod::Min,
                    descending,
                };
                let want = DataFrame::new(column.len(), vec![column.clone()])
                    .unwrap()
                    .lazy()
                    .select([col(column.name().clone()).rank(options, None)])
                    .collect()
                    .unwrap();
                let want = want.columns()[0].as_materialized_series().clone();
                let got = rank_min(&column, descending).unwrap().unwrap();
                assert_eq!(got, want, "{} descending {descending}", column.name());
            }
        }
        let gaps = Column::new("g".into(), [Some(1i32), None, Some(4)]);
        assert!(rank_min(&gaps, false).unwrap().is_none(), "a null");
        let floats = Column::new("x".into(), [2.5f64, 0.0]);
        assert!(rank_min(&floats, true).unwrap().is_none(), "not integers");
        let wide = Column::new("w".into(), [0i64, MAX_COUNTED_SPAN]);
        assert!(rank_min(&wide, true).unwrap().is_none(), "too wide a span");
    }

    #[test]
    fn every_segment_has_a_label_in_both_languages() {
        for s in RfmSegment::ALL {
            assert!(!s.label_en().is_empty() && !s.label_es().is_empty());
        }
        assert_eq!(RfmSegment::CantLoseThem.label_es(), "No podemos perderlos");
    }
}
