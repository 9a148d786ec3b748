using System.Text;
using LeakWatch.Service.CommandLine;

namespace LeakWatch.Service.Enrollment;

/// <summary>
/// Lab exports come as UTF-8 (with or without BOM) or Windows-1252. A file in which at least one multi-byte UTF-8
/// sequence is well formed is UTF-8, even with a few invalid bytes: those are read as U+FFFD and reported with their
/// line numbers (<see cref="RowFramer"/>), never allowed to switch the whole file to another encoding. A file whose
/// bytes above 0x7F never form UTF-8 is Windows-1252, where every byte is a character, so nothing is lost.
/// </summary>
internal static class ExportEncoding
{
    static ExportEncoding() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static Encoding Utf8 { get; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    public static Encoding Windows1252 => Encoding.GetEncoding(1252);

    /// <summary>The encoding named on the command line (utf-8, windows-1252, latin1, 1252...).</summary>
    public static Encoding Parse(string name)
    {
        try
        {
            var encoding = int.TryParse(name, out var codePage) ? Encoding.GetEncoding(codePage) : Encoding.GetEncoding(name);
            return encoding.CodePage == Encoding.UTF8.CodePage ? Utf8 : encoding;
        }
        catch (ArgumentException)
        {
            throw new LeakWatchException($"--encoding: '{name}' is not an encoding this machine knows (try utf-8 or windows-1252).", ExitCodes.BadConfiguration);
        }
    }

    /// <summary>Reads the stream to the end to decide, then rewinds it.</summary>
    public static Encoding Detect(Stream stream)
    {
        var start = stream.Position;
        var bytes = new byte[1 << 16];
        var carried = 0;
        var invalid = false;
        try
        {
            int read;
            while ((read = stream.Read(bytes, carried, bytes.Length - carried)) > 0 || carried > 0)
            {
                var span = bytes.AsSpan(0, carried + read);
                var final = read == 0;
                carried = 0;
                while (!span.IsEmpty)
                {
                    var ascii = span.IndexOfAnyExceptInRange((byte)0, (byte)0x7F);
                    if (ascii < 0) break;
                    span = span[ascii..];
                    var status = System.Text.Rune.DecodeFromUtf8(span, out _, out var consumed);
                    if (status == System.Buffers.OperationStatus.NeedMoreData && !final)
                    {
                        span.CopyTo(bytes);
                        carried = span.Length;
                        break;
                    }
                    if (status == System.Buffers.OperationStatus.Done) return Utf8;
                    invalid = true;
                    span = span[Math.Max(consumed, 1)..];
                }
                if (final) break;
            }
            return invalid ? Windows1252 : Utf8;
        }
        finally
        {
            stream.Position = start;
        }
    }
}
