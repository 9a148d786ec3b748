using System.Text;
using LeakWatch.Service.Hosting;

namespace LeakWatch.Service.Enrollment;

/// <summary>
/// Lab exports come as UTF-8 (with or without BOM) or Windows-1252. A file that decodes as UTF-8 throughout is UTF-8;
/// anything else is Windows-1252, where every byte is a character, so nothing is lost.
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
            return int.TryParse(name, out var codePage) ? Encoding.GetEncoding(codePage) : Encoding.GetEncoding(name);
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
        var decoder = new UTF8Encoding(false, throwOnInvalidBytes: true).GetDecoder();
        var bytes = new byte[1 << 16];
        var chars = new char[Utf8.GetMaxCharCount(bytes.Length)];
        try
        {
            int read;
            while ((read = stream.Read(bytes, 0, bytes.Length)) > 0)
            {
                decoder.GetChars(bytes, 0, read, chars, 0, flush: false);
            }
            decoder.GetChars([], 0, 0, chars, 0, flush: true);
            return Utf8;
        }
        catch (DecoderFallbackException)
        {
            return Windows1252;
        }
        finally
        {
            Array.Clear(chars);
            stream.Position = start;
        }
    }
}
