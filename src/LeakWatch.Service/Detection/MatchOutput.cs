using System.Text.Json;
using LeakWatch.Core.Matching;

namespace LeakWatch.Service.Detection;

/// <summary>
/// The JSON-lines form of matches, shared by <c>scan --json</c> and <c>crawl --once --json</c>: one object per matched
/// patient per document. Only references, rule names, offsets and counts: nothing read from the document.
/// </summary>
internal static class MatchOutput
{
    public static void WriteJsonLines(TextWriter output, DocumentScanResult result)
    {
        foreach (var match in result.Matches)
        {
            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteString("document", result.Document);
                json.WriteString("sha256", result.ContentSha256);
                json.WriteString("patient", match.Patient.ToHex());
                json.WriteString("rule", string.Join('+', match.Rules));
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
                json.WriteEndObject();
            }
            output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        }
    }
}
