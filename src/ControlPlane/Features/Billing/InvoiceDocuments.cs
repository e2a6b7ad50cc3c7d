using System.Globalization;
using System.Text;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;
using PdfSharp.WPFonts;

namespace InferenceGateway.ControlPlane.Features.Billing;

/// <summary>Invoices as CSV (RFC 4180, invariant culture, amounts with the currency's minor digits) and as PDF.</summary>
internal static class InvoiceDocuments
{
    public const string CsvType = "text/csv";
    public const string PdfType = "application/pdf";

    private static readonly object FontLock = new();

    public static byte[] Csv(InvoiceResponse invoice)
    {
        var csv = new StringBuilder();
        Row(csv, "invoice", "period", "status", "currency", "line", "description", "quantity", "included", "billable", "unit_price", "unit_size", "amount");
        foreach (var l in invoice.Lines)
        {
            Row(csv, invoice.Number ?? "draft", invoice.Period, Name(invoice.Status), invoice.Currency, Name(l.Kind), l.Description, Int(l.Quantity), Int(l.Included),
                Int(l.Billable), Price(l.UnitPrice), Int(l.UnitSize), Currencies.Format(l.Amount, invoice.Currency));
        }

        Row(csv, invoice.Number ?? "draft", invoice.Period, Name(invoice.Status), invoice.Currency, "total", "Total", "", "", "", "", "", Currencies.Format(invoice.Total, invoice.Currency));
        return Encoding.UTF8.GetBytes(csv.ToString());
    }

    public static byte[] Csv(IEnumerable<InvoiceResponse> invoices)
    {
        var csv = new StringBuilder();
        Row(csv, "invoice", "id", "period", "status", "currency", "total", "finalized_at", "stripe_state", "stripe_invoice");
        foreach (var i in invoices)
        {
            Row(csv, i.Number ?? "draft", i.Id?.ToString() ?? "", i.Period, Name(i.Status), i.Currency, Currencies.Format(i.Total, i.Currency),
                i.FinalizedAt?.ToString("O", CultureInfo.InvariantCulture) ?? "", i.Stripe is { } s ? Name(s.State) : "", i.Stripe?.InvoiceId ?? "");
        }

        return Encoding.UTF8.GetBytes(csv.ToString());
    }

    public static byte[] Pdf(InvoiceResponse invoice, string tenantName)
    {
        var pdf = new PdfWriter($"Invoice {invoice.Number ?? "draft"}");
        pdf.Title(invoice.Number is { } number ? $"Invoice {number}" : $"Draft invoice for {invoice.Period}");
        pdf.Text($"Tenant: {tenantName} ({invoice.TenantSlug})");
        pdf.Text($"Period: {invoice.PeriodStart:yyyy-MM-dd} to {invoice.PeriodEnd.AddDays(-1):yyyy-MM-dd} (UTC)");
        pdf.Text($"Plan: {invoice.PlanName}    Status: {Name(invoice.Status)}    Currency: {invoice.Currency}");
        if (invoice.FinalizedAt is { } finalized)
        {
            pdf.Text($"Finalized: {finalized.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC");
        }

        pdf.Gap();
        double[] columns = [0, 170, 250, 320, 390, 470];
        pdf.Row(columns, true, "Line", "Quantity", "Included", "Billable", "Unit price", "Amount");
        foreach (var l in invoice.Lines)
        {
            var unit = l.UnitSize == 1 ? Price(l.UnitPrice) : $"{Price(l.UnitPrice)} / {Int(l.UnitSize)}";
            pdf.Row(columns, false, l.Description, Int(l.Quantity), Int(l.Included), Int(l.Billable), unit, Currencies.Format(l.Amount, invoice.Currency));
        }

        pdf.Gap();
        pdf.Row(columns, true, "Total", "", "", "", "", $"{Currencies.Format(invoice.Total, invoice.Currency)} {invoice.Currency}");
        pdf.Gap();
        pdf.Text("Each line is rounded half away from zero to the currency's minor unit; the total is the sum of the lines.");
        return pdf.Save();
    }

    public static byte[] Pdf(IReadOnlyList<InvoiceResponse> invoices, string tenantName, string tenantSlug)
    {
        var pdf = new PdfWriter($"Invoices of {tenantSlug}");
        pdf.Title($"Invoices of {tenantName} ({tenantSlug})");
        double[] columns = [0, 150, 220, 310, 400];
        pdf.Row(columns, true, "Invoice", "Period", "Status", "Stripe", "Total");
        foreach (var i in invoices)
        {
            pdf.Row(columns, false, i.Number ?? "draft", i.Period, Name(i.Status), i.Stripe is { } s ? Name(s.State) : "",
                $"{Currencies.Format(i.Total, i.Currency)} {i.Currency}");
        }

        return pdf.Save();
    }

    private static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A plan price without trailing zeros (prices have at most 6 decimals).</summary>
    private static string Price(decimal value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    private static string Name<T>(T value) where T : struct, Enum => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    private static void Row(StringBuilder csv, params string[] fields)
    {
        csv.AppendJoin(',', fields.Select(Escape)).Append("\r\n");
    }

    private static string Escape(string field)
    {
        // A leading formula character would run as a formula in a spreadsheet: quote it as text.
        if (field.Length > 0 && field[0] is '=' or '+' or '@' or '\t' or '\r' || (field.Length > 1 && field[0] == '-' && !char.IsDigit(field[1])))
        {
            field = "'" + field;
        }

        return field.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
    }

    /// <summary>A small top-to-bottom page writer over PDFsharp, with fonts bundled in PDFsharp (no system fonts needed).</summary>
    private sealed class PdfWriter
    {
        private const double Margin = 50;
        private readonly PdfDocument _document = new();
        private readonly XFont _regular;
        private readonly XFont _bold;
        private readonly XFont _title;
        private XGraphics _graphics = null!;
        private PdfPage _page = null!;
        private double _y;

        public PdfWriter(string title)
        {
            lock (FontLock)
            {
                GlobalFontSettings.FontResolver ??= new BundledFonts();
            }

            _document.Info.Title = title;
            _document.Info.Creator = "Inference Gateway";
            _regular = new XFont(BundledFonts.Family, 10, XFontStyleEx.Regular);
            _bold = new XFont(BundledFonts.Family, 10, XFontStyleEx.Bold);
            _title = new XFont(BundledFonts.Family, 16, XFontStyleEx.Bold);
            NewPage();
        }

        public void Title(string text)
        {
            _graphics.DrawString(text, _title, XBrushes.Black, new XPoint(Margin, _y));
            _y += 28;
        }

        public void Text(string text)
        {
            Ensure(16);
            _graphics.DrawString(text, _regular, XBrushes.Black, new XPoint(Margin, _y));
            _y += 16;
        }

        public void Gap() => _y += 10;

        public void Row(double[] columns, bool bold, params string[] cells)
        {
            Ensure(16);
            for (var i = 0; i < cells.Length && i < columns.Length; i++)
            {
                _graphics.DrawString(cells[i], bold ? _bold : _regular, XBrushes.Black, new XPoint(Margin + columns[i], _y));
            }

            _y += 16;
        }

        public byte[] Save()
        {
            _graphics.Dispose();
            using var stream = new MemoryStream();
            _document.Save(stream, closeStream: false);
            return stream.ToArray();
        }

        private void Ensure(double height)
        {
            if (_y + height > _page.Height.Point - Margin)
            {
                _graphics.Dispose();
                NewPage();
            }
        }

        private void NewPage()
        {
            _page = _document.AddPage();
            _page.Size = PdfSharp.PageSize.A4;
            _graphics = XGraphics.FromPdfPage(_page);
            _y = Margin + 10;
        }
    }

    /// <summary>PDFsharp's own bundled Segoe WP faces, so invoices render the same on any host, fonts installed or not.</summary>
    private sealed class BundledFonts : IFontResolver
    {
        public const string Family = "InvoiceSans";

        public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) => new(bold ? "SegoeWP-Bold" : "SegoeWP");

        public byte[]? GetFont(string faceName) => faceName == "SegoeWP-Bold" ? FontDataHelper.SegoeWPBold : FontDataHelper.SegoeWP;
    }
}
