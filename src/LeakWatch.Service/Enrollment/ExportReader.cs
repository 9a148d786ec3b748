using LeakWatch.Core.Documents;
using LeakWatch.Core.Normalization;
using LeakWatch.Service.CommandLine;
using nietras.SeparatedValues;

namespace LeakWatch.Service.Enrollment;

/// <summary>How to read a lab export: the command-line options shared by <c>enroll</c> and <c>resolve</c>.</summary>
/// <param name="Delimiter">Null: detected from the header line.</param>
/// <param name="EncodingName">Null: detected as any document is (<see cref="TextDecoding"/>).</param>
/// <param name="Maps"><c>kind=COLUMN</c> overrides of the guessed column roles.</param>
internal sealed record ExportFormat(char? Delimiter = null, string? EncodingName = null, IReadOnlyList<string>? Maps = null);

/// <summary>
/// Streams the rows of a lab export (delimited text with a header) as <see cref="RawPatient"/>s, one at a time, with Sep,
/// behind a <see cref="RowFramer"/> that withholds malformed rows (counted in <see cref="Problems"/>) so that one bad
/// row costs that row only. Only the mapped columns are turned into strings; nothing is kept once a row is handed on.
/// </summary>
internal sealed class ExportReader : IDisposable
{
    private readonly SepReader _reader;
    private readonly RowFramer _framer;

    private readonly DecodedTextReader _text;

    private ExportReader(SepReader reader, RowFramer framer, DecodedTextReader text, ColumnMap columns)
    {
        _reader = reader;
        _framer = framer;
        _text = text;
        Columns = columns;
    }

    /// <summary>
    /// The encoding the export is read with (utf-8, windows-1252...); us-ascii while only ASCII has been read, the choice
    /// between UTF-8 and Windows-1252 being made at the first other byte.
    /// </summary>
    public string EncodingName => _text.EncodingName;

    public char Delimiter => _framer.Delimiter;

    public ColumnMap Columns { get; }

    /// <summary>Data rows seen so far: those handed out and those skipped as malformed.</summary>
    public long RowsRead => RowsHandedOut + _framer.Problems.SkippedRows;

    /// <summary>Data rows handed out so far.</summary>
    public long RowsHandedOut { get; private set; }

    /// <summary>Rows that could not be read (with reasons and line numbers) and invalid bytes, so far.</summary>
    public ReadProblems Problems => _framer.Problems;

    /// <param name="classify">How header names are read (ColumnNames.Classify).</param>
    public static ExportReader Open(Stream stream, ExportFormat format, Func<string, FieldHint> classify)
    {
        var declared = format.EncodingName;
        if (declared is not null && TextDecoding.FromLabel(declared) is null)
        {
            stream.Dispose();
            throw new LeakWatchException($"--encoding: '{declared}' is not an encoding LeakWatch reads (utf-8, windows-1252 or latin1, utf-16le, utf-16be).", ExitCodes.BadConfiguration);
        }
        var text = TextDecoding.Open(stream, leaveOpen: false, declared);
        var framer = new RowFramer(text);
        SepReader? reader = null;
        try
        {
            if (!framer.ReadHeader(format.Delimiter))
            {
                throw new LeakWatchException("The export is empty: it has no header line. Export the patients again, with the column names on the first line.");
            }
            var options = new SepReaderOptions(new Sep(framer.Delimiter))
            {
                HasHeader = true,
                Unescape = true,
                Trim = SepTrim.Outer,
                // Exports with a missing trailing field are common; a short row reads as empty fields. Rows with more
                // cells than the header never get here (the framer skips them).
                DisableColCountCheck = true,
            };
            reader = options.From(framer);
            var header = reader.Header.ColNames;
            if (header.Count == 0 || header.All(string.IsNullOrWhiteSpace))
            {
                throw new LeakWatchException("The export is empty: it has no header line. Export the patients again, with the column names on the first line.");
            }
            var columns = ColumnMap.Build(header, classify, format.Maps ?? []);
            // Said before the rows are read, so decided now if the bytes already read allow it (the same choice either way).
            text.Settle();
            return new ExportReader(reader, framer, text, columns);
        }
        catch
        {
            if (reader is not null) reader.Dispose();
            else framer.Dispose();
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
            RowsHandedOut++;
            yield return new RawPatient(
                Field(row, id), Field(row, birthName), Field(row, usageName), Field(row, firstNames),
                Field(row, birthDate), Field(row, nir), Field(row, phone), Field(row, email));
        }
    }

    private static string Field(SepReader.Row row, int index) =>
        index >= 0 && index < row.ColCount ? row[index].ToString() : "";

    public void Dispose()
    {
        _reader.Dispose();
        _framer.Dispose();
    }
}
