using System.Security.Cryptography;
using System.Text;

namespace LeakWatch.Service.Detection;

/// <summary>
/// Names of entries inside archives are content: a thief may name a file "CR DUPONT Marie.pdf". What leaves the
/// process for good (logs, the database, alerts) keeps the document's own path or URL and replaces each entry name by
/// a short hash of it, stable enough to tell entries apart and to find one again by hashing a candidate name.
/// </summary>
internal static class DocumentNames
{
    public const char EntrySeparator = '!';

    public static string Mask(string document)
    {
        var first = document.IndexOf(EntrySeparator, StringComparison.Ordinal);
        if (first < 0) return document;
        var builder = new StringBuilder(document, 0, first, document.Length);
        foreach (var entry in document[(first + 1)..].Split(EntrySeparator))
        {
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes(entry));
            builder.Append(EntrySeparator).Append("entry-").Append(Convert.ToHexStringLower(hash, 0, 4));
        }
        return builder.ToString();
    }
}
