using System.IO.Compression;
using System.Text;
using LeakWatch.Synthetic.Dumps;
using MimeKit;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace LeakWatch.Synthetic.Documents;

/// <summary>PDF reports (PdfPig's builder: a title, then a table drawn row by row) and mails (MimeKit) as leaks come.</summary>
public static class PdfAndMailWriters
{
    /// <summary>A report: a title line, then the table's rows, each cell at its column's position, <paramref name="rowsPerPage"/> a page.</summary>
    public static byte[] Pdf(string title, Table table, int rowsPerPage = 45, int scannedPages = 0)
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        var columns = table.Header.Count;
        var width = 520.0 / Math.Max(1, columns);
        for (var start = 0; start == 0 || start < table.Rows.Count; start += rowsPerPage)
        {
            var page = builder.AddPage(PageSize.A4);
            var y = 800.0;
            page.AddText(title, 12, new PdfPoint(40, y), font);
            y -= 24;
            DrawRow(page, table.Header, y);
            foreach (var row in table.Rows.Skip(start).Take(rowsPerPage))
            {
                y -= 16;
                DrawRow(page, row.Select(c => c.Display).ToList(), y);
            }
        }

        for (var i = 0; i < scannedPages; i++) builder.AddPage(PageSize.A4).AddPng(new MemoryStream(GrayPng(64, 64)), new PdfRectangle(40, 400, 540, 800));
        return builder.Build();

        void DrawRow(PdfPageBuilder page, IReadOnlyList<string> cells, double y)
        {
            for (var c = 0; c < cells.Count; c++)
            {
                // The standard Helvetica of PdfPig's writer has no accented letters: reports then print them plain.
                if (!string.IsNullOrEmpty(cells[c])) page.AddText(DumpStyle.StripAccents(cells[c]), 8, new PdfPoint(40 + (c * width), y), font);
            }
        }
    }

    /// <summary>A scan: pages that are only an image, no text layer.</summary>
    public static byte[] ScannedPdf(int pages)
    {
        var builder = new PdfDocumentBuilder();
        for (var i = 0; i < pages; i++) builder.AddPage(PageSize.A4).AddPng(new MemoryStream(GrayPng(64, 64)), new PdfRectangle(40, 400, 540, 800));
        return builder.Build();
    }

    /// <summary>A mail: people in its headers, a text body, attachments.</summary>
    public static MimeMessage Mail(string fromName, string fromAddress, string subject, string body, params (string Name, byte[] Content)[] attachments)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(fromName, fromAddress));
        message.To.Add(new MailboxAddress("Acheteur", "buyer@example.org"));
        message.Subject = subject;
        message.Date = new DateTimeOffset(2024, 3, 12, 10, 0, 0, TimeSpan.Zero);
        message.MessageId = $"{Math.Abs(subject.GetHashCode(StringComparison.Ordinal))}@example.org";
        var parts = new BodyBuilder { TextBody = body };
        foreach (var (name, content) in attachments) parts.Attachments.Add(name, content);
        message.Body = parts.ToMessageBody();
        return message;
    }

    public static byte[] Eml(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(FormatOptions.Default, stream);
        return stream.ToArray();
    }

    /// <summary>Messages in mbox form: a "From " line before each, body lines starting with "From " quoted.</summary>
    public static byte[] Mbox(IEnumerable<MimeMessage> messages)
    {
        using var stream = new MemoryStream();
        foreach (var message in messages)
        {
            stream.Write(Encoding.ASCII.GetBytes("From leaker@example.org Tue Mar 12 10:00:00 2024\n"));
            var options = FormatOptions.Default.Clone();
            options.NewLineFormat = NewLineFormat.Unix;
            using var one = new MemoryStream();
            message.WriteTo(options, one);
            var text = Encoding.UTF8.GetString(one.ToArray()).Replace("\nFrom ", "\n>From ", StringComparison.Ordinal);
            stream.Write(Encoding.UTF8.GetBytes(text));
            stream.Write("\n\n"u8);
        }

        return stream.ToArray();
    }

    /// <summary>A gray PNG made by hand (zlib stream and CRCs), the picture of a scanned page.</summary>
    public static byte[] GrayPng(int width, int height)
    {
        var raw = new byte[height * (width + 1)];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++) raw[(y * (width + 1)) + 1 + x] = (byte)((x * 7) ^ (y * 13));
        }

        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        WriteBigEndian(header, 0, width);
        WriteBigEndian(header, 4, height);
        header[8] = 8; // bit depth
        header[9] = 0; // gray
        Chunk(png, "IHDR", header);
        using (var data = new MemoryStream())
        {
            using (var zlib = new ZLibStream(data, CompressionLevel.Optimal, leaveOpen: true)) zlib.Write(raw);
            Chunk(png, "IDAT", data.ToArray());
        }

        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        var length = new byte[4];
        WriteBigEndian(length, 0, data.Length);
        png.Write(length);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typed);
        var crc = new byte[4];
        WriteBigEndian(crc, 0, (int)Crc32(typed));
        png.Write(crc);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }

        return ~crc;
    }

    private static void WriteBigEndian(byte[] buffer, int offset, int value)
    {
        buffer[offset] = (byte)(value >> 24);
        buffer[offset + 1] = (byte)(value >> 16);
        buffer[offset + 2] = (byte)(value >> 8);
        buffer[offset + 3] = (byte)value;
    }
}
