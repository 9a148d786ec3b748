using System.Text;
using LeakWatch.Core.Normalization;
using LeakWatch.Service.Hosting;
using nietras.SeparatedValues;

namespace LeakWatch.Service.Enrollment;

/// <summary>How to read a lab export: the command-line options shared by <c>enroll</c> and <c>resolve</c>.</summary>
/// <param name="Delimiter">Null: detected from the header line.</param>
/// <param name="EncodingName">Null: UTF-8 if the file is valid UTF-8, otherwise Windows-1252.</param>
/// <param name="Maps"><c>kind=COLUMN</c> overrides of the guessed column roles.</param>
internal sealed record ExportFormat(char? Delimiter = null, string? EncodingName = null, IReadOnlyList<string>? Maps = null);

/// <summary>
/// Streams the rows of a lab export (delimited text with a header) as <see cref="RawPatient"/>s, one at a time, with Sep.
/// Only the mapped columns are turned into strings; nothing is kept once a row is handed on.
/// </summary>
internal sealed class ExportReader : IDisposable
{
    private readonly SepReader _reader;

    private ExportReader(SepReader reader, Encoding encoding, ColumnMap columns)
    {
        _reader = reader;
        Encoding = encoding;
        Columns = columns;
    }

    public Encoding Encoding { get; }

    public char Delimiter => _reader.Spec.Sep.Separator;

    public ColumnMap Columns { get; }

    /// <summary>Data rows handed out so far.</summary>
    public long RowsRead { get; private set; }

    /// <param name="classify">How header names are read (ColumnNames.Classify).</param>
    public static ExportReader Open(Stream stream, ExportFormat format, Func<string, Core.Extraction.FieldHint> classify)
    {
        var encoding = format.EncodingName is { } name ? ExportEncoding.Parse(name) : ExportEncoding.Detect(stream);
        var text = new StreamReader(stream, encoding, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: false);
        var options = (format.Delimiter is { } d ? new SepReaderOptions(new Sep(d)) : new SepReaderOptions()) with
        {
            HasHeader = true,
            Unescape = true,
            Trim = SepTrim.Outer,
            // Exports with a missing trailing field are common; a short row reads as empty fields.
            DisableColCountCheck = true,
        };
        SepReader reader;
        try
        {
            reader = options.From(text);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or NotSupportedException)
        {
            text.Dispose();
            throw new LeakWatchException("The export's header line could not be read as delimited text; give the delimiter with --delimiter.");
        }
        try
        {
            var header = reader.Header.ColNames;
            if (header.Count == 0 || header.All(string.IsNullOrWhiteSpace))
            {
                throw new LeakWatchException("The export is empty: it has no header line.");
            }
            var columns = ColumnMap.Build(header, classify, format.Maps ?? []);
            return new ExportReader(reader, text.CurrentEncoding, columns);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    public IEnumerable<RawPatient> ReadPatients()
    {
        var id = Columns[ColumnRole.Id];
        var birthName = Columns[ColumnRole.BirthName];
        var usageName = Columns[ColumnRole.UsageName];
        var firstNames = Columns[ColumnRole.FirstNames];
        var birthDate = Columns[ColumnRole.BirthDate];
        var nir = Columns[ColumnRole.Nir];
        var phone = Columns[ColumnRole.Phone];
        var email = Columns[ColumnRole.Email];
        foreach (var row in _reader)
        {
            RowsRead++;
            yield return new RawPatient(
                Field(row, id), Field(row, birthName), Field(row, usageName), Field(row, firstNames),
                Field(row, birthDate), Field(row, nir), Field(row, phone), Field(row, email));
        }
    }

    private static string Field(SepReader.Row row, int index) =>
        index >= 0 && index < row.ColCount ? row[index].ToString() : "";

    public void Dispose() => _reader.Dispose();
}
