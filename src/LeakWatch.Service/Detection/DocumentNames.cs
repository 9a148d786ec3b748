using System.Text;

namespace LeakWatch.Service.Detection;

/// <summary>
/// Names of entries inside archives, and of files found by walking a folder, are content: a thief may name a file
/// "DUPUY_Danielle_2221044..._danielle.dupuy6@....csv". Everything that leaves the process (standard output and error,
/// logs, the database, alerts) keeps the document's own path or URL as the user or the configuration gave it and
/// replaces each such name by a short keyed hash of it (<see cref="ContentHashes.Name"/>), stable enough to tell them
/// apart; without the secret key a guessed name cannot be confirmed. <c>scan --show-entry-names</c> prints them for a
/// DPO examining a local file.
/// </summary>
internal sealed class DocumentNames(ContentHashes hashes)
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
    public string Mask(string document) =>
        // Idempotent: a name already masked (as stored in incidents) stays as it is.
        MapEntries(document, entry => IsMasked(entry) ? entry : "entry-" + Hash(entry));

    internal static bool IsMasked(string entry) =>
        entry.Length == 14 && entry.StartsWith("entry-", StringComparison.Ordinal) && !entry.AsSpan(6).ContainsAnyExcept(LowerHex);

    /// <summary>
    /// A file found under a folder given on the command line: the folder as given, then each path segment below it
    /// replaced by its hash (its extension kept when it is a known format's).
    /// </summary>
    public string MaskBelow(string folder, string file)
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

    private string Hash(string name) => hashes.Name(name);

    /// <summary>
    /// For pages that show what is stored (always masked already): masked entries kept, and anything else in an entry's
    /// place hidden whole, since no key is at hand to mask it.
    /// </summary>
    public static string Stored(string document) => MapEntries(document, entry => IsMasked(entry) ? entry : "entry-hidden");

    /// <summary>Re-masks, with this key, each entry that an older version masked by a bare SHA-256 (see <see cref="LegacyHashUpgrade"/>).</summary>
    internal string Rekey(string document) =>
        MapEntries(document, entry => IsMasked(entry) ? "entry-" + hashes.OfNameDigest(Convert.FromHexString(entry.AsSpan(6))) : entry);

    private static string MapEntries(string document, Func<string, string> map)
    {
        var first = document.IndexOf(EntrySeparator, StringComparison.Ordinal);
        if (first < 0) return document;
        var builder = new StringBuilder(document, 0, first, document.Length);
        foreach (var entry in document[(first + 1)..].Split(EntrySeparator)) builder.Append(EntrySeparator).Append(map(entry));
        return builder.ToString();
    }
}
