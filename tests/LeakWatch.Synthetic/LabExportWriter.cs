using System.Globalization;
using System.Text;

namespace LeakWatch.Synthetic;

/// <summary>How a lab export looks: delimiter, date format, encoding.</summary>
public sealed record LabExportFormat
{
    public char Delimiter { get; init; } = ';';

    /// <summary>dd/MM/yyyy in most French software; yyyyMMdd or yyyy-MM-dd in some.</summary>
    public string DateFormat { get; init; } = "dd/MM/yyyy";

    /// <summary>Windows-1252 by default, as French lab software writes; UTF-8 (no BOM) is the other common one.</summary>
    public Encoding Encoding { get; init; } = LabExportWriter.Windows1252;

    /// <summary>Write a UTF-8 byte order mark (only when <see cref="Encoding"/> is UTF-8).</summary>
    public bool ByteOrderMark { get; init; }
}

/// <summary>Writes synthetic patients as a lab's patient export (the header of <see cref="Header"/>), streaming.</summary>
public static class LabExportWriter
{
    public static readonly string[] Columns =
        ["IPP", "NOM_NAISSANCE", "NOM_USAGE", "PRENOMS", "SEXE", "DATE_NAISSANCE", "LIEU_NAISSANCE", "NIR", "TELEPHONE", "EMAIL", "ADRESSE", "CODE_POSTAL", "VILLE"];

    static LabExportWriter() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static string Header => string.Join(';', Columns);

    public static Encoding Windows1252 => Encoding.GetEncoding(1252);

    /// <summary>Writes the header line and one line per patient.</summary>
    public static void Write(TextWriter writer, IEnumerable<SyntheticPatient> patients, LabExportFormat? format = null)
    {
        format ??= new LabExportFormat();
        var d = format.Delimiter;
        writer.Write(string.Join(d, Columns));
        writer.Write("\r\n");
        foreach (var p in patients)
        {
            Field(writer, p.Ipp, d); writer.Write(d);
            Field(writer, p.BirthName, d); writer.Write(d);
            Field(writer, p.UsageName ?? "", d); writer.Write(d);
            Field(writer, p.FirstNames, d); writer.Write(d);
            writer.Write(p.Sex); writer.Write(d);
            writer.Write(p.BirthDate.ToString(format.DateFormat, CultureInfo.InvariantCulture)); writer.Write(d);
            Field(writer, p.BirthPlace, d); writer.Write(d);
            writer.Write(p.Nir); writer.Write(d);
            Field(writer, p.Phone, d); writer.Write(d);
            Field(writer, p.Email, d); writer.Write(d);
            Field(writer, p.Address, d); writer.Write(d);
            writer.Write(p.PostalCode); writer.Write(d);
            Field(writer, p.City, d);
            writer.Write("\r\n");
        }
        writer.Flush();
    }

    /// <summary>Writes an export file in <paramref name="format"/>'s encoding.</summary>
    public static void WriteFile(string path, IEnumerable<SyntheticPatient> patients, LabExportFormat? format = null)
    {
        format ??= new LabExportFormat();
        var encoding = format.Encoding is UTF8Encoding ? new UTF8Encoding(format.ByteOrderMark) : format.Encoding;
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        using var writer = new StreamWriter(stream, encoding, 1 << 16);
        Write(writer, patients, format);
    }

    private static void Field(TextWriter writer, string value, char delimiter)
    {
        if (value.AsSpan().IndexOfAny(delimiter, '"', '\n') < 0 && value.IndexOf('\r', StringComparison.Ordinal) < 0)
        {
            writer.Write(value);
            return;
        }
        writer.Write('"');
        writer.Write(value.Replace("\"", "\"\"", StringComparison.Ordinal));
        writer.Write('"');
    }
}
