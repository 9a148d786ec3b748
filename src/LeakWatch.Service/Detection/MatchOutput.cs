using System.Text.Json;
using LeakWatch.Core.Matching;

namespace LeakWatch.Service.Detection;

/// <summary>
/// The JSON-lines form of matches, shared by <c>scan --json</c> and <c>crawl --once --json</c>: one object per matched
/// patient per document, and one object for a document read in part that matched nobody. Only references, rule ids,
/// offsets and counts: nothing read from the document, and entry names masked (<see cref="DocumentNames"/>).
/// </summary>
internal static class MatchOutput
{
    /// <param name="shown">The document's name as it may be printed (<see cref="DocumentNames.Mask"/> of it, unless names are shown).</param>
    /// <param name="suspicious">The document's shape when it is a suspicious dump (counts only), else null.</param>
    public static void WriteJsonLines(TextWriter output, DocumentScanResult result, string shown, EarlyWarning.SuspiciousDump? suspicious = null)
    {
        var document = shown;
        // A canary names the system it was planted in; its reference is of no use outside, so it is not printed.
        foreach (var canary in result.Canaries)
        {
            WriteLine(output, json =>
            {
                json.WriteString("document", document);
                json.WriteString("contentHash", result.ContentHash);
                json.WriteStartObject("canary");
                json.WriteString("system", canary.System);
                json.WriteEndObject();
                WriteMatch(json, canary.Match);
            });
        }
        if (suspicious is not null)
        {
            WriteLine(output, json =>
            {
                json.WriteString("document", document);
                json.WriteString("contentHash", result.ContentHash);
                json.WriteStartObject("suspicious");
                json.WriteNumber("records", suspicious.Records);
                json.WriteNumber("validNirRecords", suspicious.ValidNirRecords);
                json.WriteNumber("identityRecords", suspicious.IdentityRecords);
                json.WriteEndObject();
            });
        }
        if (result.Matches.Count == 0)
        {
            // Nothing found in a document read in part is not "nothing found": say so.
            if (result.Skipped is { } reason)
            {
                WriteLine(output, json =>
                {
                    json.WriteString("document", document);
                    json.WriteString("contentHash", result.ContentHash);
                    json.WriteString("partial", reason);
                });
            }
            return;
        }
        foreach (var match in result.Matches)
        {
            WriteLine(output, json =>
            {
                json.WriteString("document", document);
                json.WriteString("contentHash", result.ContentHash);
                json.WriteString("patient", match.Patient.ToHex());
                WriteMatch(json, match);
                if (result.Skipped is { } partly) json.WriteString("partial", partly);
            });
        }
    }

    private static void WriteMatch(Utf8JsonWriter json, PatientMatch match)
    {
        // Rule ids contain "+" (nir+name): an array, never a joined string.
        json.WriteStartArray("rules");
        foreach (var rule in match.Rules.Names()) json.WriteStringValue(rule);
        json.WriteEndArray();
        json.WriteString("confidence", match.Confidence.ToString().ToLowerInvariant());
        json.WriteStartArray("fields");
        foreach (var field in Enum.GetValues<MatchedFields>())
        {
            if (field != MatchedFields.None && match.Fields.HasFlag(field)) json.WriteStringValue(field.ToString().ToLowerInvariant());
        }
        json.WriteEndArray();
        json.WriteStartArray("locations");
        foreach (var location in match.Locations)
        {
            json.WriteStartObject();
            json.WriteNumber("line", location.Line);
            json.WriteNumber("offset", location.Offset);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static void WriteLine(TextWriter output, Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }
}
