using System.Security.Cryptography;
using System.Text;

namespace LeakWatch.Service.Detection;

/// <summary>
/// Names of entries inside archives, and of files found by walking a folder, are content: a thief may name a file
/// "DUPUY_Danielle_2221044..._danielle.dupuy6@....csv". Everything that leaves the process (standard output and error,
/// logs, the database, alerts) keeps the document's own path or URL as the user or the configuration gave it and
/// replaces each such name by a short hash of it, stable enough to tell them apart and to find one again by hashing a
/// candidate name. <c>scan --show-entry-names</c> prints them for a DPO examining a local file.
/// </summary>
internal static class DocumentNames
{
    public const char EntrySeparator = '!';

    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    // Kept on a masked file name, so that the scanner still knows the format from it; never a person's name.
    private static readonly HashSet<string> KnownExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".csv", ".tsv", ".psv", ".txt", ".dat", ".log", ".json", ".jsonl", ".ndjson", ".sql", ".xml", ".html", ".htm",
        ".hl7", ".hpr", ".hprim", ".zip", ".gz", ".tgz", ".tar", ".7z", ".bz2", ".xz",
    };

    /// <summary>The document's path or URL, each archive entry name replaced by its hash.</summary>
    public static string Mask(string document)
    {
        var first = document.IndexOf(EntrySeparator, StringComparison.Ordinal);
        if (first < 0) return document;
        var builder = new StringBuilder(document, 0, first, document.Length);
        foreach (var entry in document[(first + 1)..].Split(EntrySeparator))
        {
            // Idempotent: a name already masked (as stored in incidents) stays as it is.
            builder.Append(EntrySeparator).Append(IsMasked(entry) ? entry : "entry-" + Hash(entry));
        }
        return builder.ToString();
    }

    private static bool IsMasked(string entry) =>
        entry.Length == 14 && entry.StartsWith("entry-", StringComparison.Ordinal) && !entry.AsSpan(6).ContainsAnyExcept(LowerHex);

    /// <summary>
    /// A file found under a folder given on the command line: the folder as given, then each path segment below it
    /// replaced by its hash (its extension kept when it is a known format's).
    /// </summary>
    public static string MaskBelow(string folder, string file)
    {
        var relative = Path.GetRelativePath(folder, file);
        var builder = new StringBuilder(Path.TrimEndingDirectorySeparator(folder));
        foreach (var segment in relative.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar))
        {
            builder.Append(Path.DirectorySeparatorChar).Append("file-").Append(Hash(segment)).Append(KeptExtension(segment));
        }
        return builder.ToString();
    }

    private static string KeptExtension(string name)
    {
        var extension = Path.GetExtension(name);
        if (!KnownExtensions.Contains(extension)) return "";
        var inner = Path.GetExtension(Path.GetFileNameWithoutExtension(name));
        return inner.Equals(".tar", StringComparison.OrdinalIgnoreCase) ? inner + extension : extension;
    }

    private static string Hash(string name) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)), 0, 4);
}
