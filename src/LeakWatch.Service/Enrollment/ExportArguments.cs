using System.CommandLine;
using LeakWatch.Core.Normalization;
using LeakWatch.Service.CommandLine;

namespace LeakWatch.Service.Enrollment;

/// <summary>The arguments <c>enroll</c> and <c>resolve</c> share: FILE, --map, --delimiter, --encoding.</summary>
internal sealed class ExportArguments
{
    public Argument<FileInfo> File { get; } = new("FILE") { Description = "The lab's patient export: delimited text with a header line." };

    public Option<string[]> Map { get; } = new("--map")
    {
        Description = "Say which column holds what, overriding the guess from the header: kind=COLUMN, kind one of " +
            "id, birth-name, usage-name, first-names, birth-date, nir, phone, email, postal-code. Repeat for several; kind= drops a role.",
        Arity = ArgumentArity.ZeroOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<string?> Delimiter { get; } = new("--delimiter") { Description = "The field delimiter (; , | or tab). Default: detected from the header line." };

    public Option<string?> Encoding { get; } = new("--encoding") { Description = "utf-8, windows-1252 (latin1), utf-16le or utf-16be. Default: a byte order mark, else UTF-8 if the text is UTF-8, otherwise Windows-1252." };

    public void AddTo(Command command)
    {
        command.Arguments.Add(File);
        command.Options.Add(Map);
        command.Options.Add(Delimiter);
        command.Options.Add(Encoding);
    }

    public ExportFormat Format(ParseResult parse) => new(ParseDelimiter(parse.GetValue(Delimiter)), parse.GetValue(Encoding), parse.GetValue(Map) ?? []);

    /// <summary>Opens the export named on the command line; a missing file is a message, not a stack trace.</summary>
    public ExportReader Open(ParseResult parse, out string fileName)
    {
        var file = parse.GetRequiredValue(File);
        fileName = file.Name;
        Stream stream;
        try
        {
            stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LeakWatchException($"Cannot read the export {file.FullName}: {e.Message}");
        }
        try
        {
            return ExportReader.Open(stream, Format(parse), header => ColumnNames.Classify(header));
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    internal static char? ParseDelimiter(string? text) => text switch
    {
        null or "" => null,
        "tab" or "\\t" or "\t" => '\t',
        "semicolon" => ';',
        "comma" => ',',
        "pipe" => '|',
        { Length: 1 } => text[0],
        _ => throw new LeakWatchException($"--delimiter: '{text}' is not one character (use ; , | or tab).", ExitCodes.BadConfiguration),
    };
}
