using System.Text;
using System.Text.Json;
using LeakWatch.Core.Fingerprinting;
using LeakWatch.Core.Normalization;
using LeakWatch.Service.Keys;

namespace LeakWatch.Service.Enrollment;

/// <summary>
/// Turns opaque patient references back into the lab's identifiers, for the DPO, by re-reading the export in memory.
/// Nothing is written to disk: the mapping exists only while this runs.
/// </summary>
internal sealed class PatientResolver
{
    private readonly KeyProvider _keys;

    public PatientResolver(KeyProvider keys) => _keys = keys;

    /// <summary>Reads JSON lines with a "patient" field from <paramref name="input"/>; writes {"patient", "id"} lines in the same order.</summary>
    /// <returns>How many references were found in the export, and how many were not.</returns>
    public async Task<(int Found, int Unknown)> ResolveAsync(ExportReader export, TextReader input, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var keys = await _keys.GetKeysAsync(cancellationToken);
        var requests = new List<string>();
        var wanted = new Dictionary<Fingerprint, string?>();
        var lineNumber = 0;
        while (await input.ReadLineAsync(cancellationToken) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var (patient, note) = ReadPatient(line);
            if (note) continue; // scan --json's line for a document read in part: no patient to resolve
            if (patient is null)
            {
                await error.WriteLineAsync($"line {lineNumber}: not a JSON object with a \"patient\" field; skipped.");
                continue;
            }
            requests.Add(patient);
            if (Fingerprint.TryParseHex(patient.ToLowerInvariant(), out var reference)) wanted.TryAdd(reference, null);
        }

        if (wanted.Count > 0)
        {
            using var fingerprinter = keys.CreateFingerprinter();
            foreach (var row in export.ReadPatients())
            {
                cancellationToken.ThrowIfCancellationRequested();
                // The same normalized identifier as enrollment, so the same reference.
                if (IdentityNormalizer.Normalize(row).Identity is not { } identity) continue;
                var reference = FingerprintRecipe.PatientRef(fingerprinter, identity.LocalId);
                if (wanted.TryGetValue(reference, out var known) && known is null) wanted[reference] = identity.LocalId;
            }
        }

        int found = 0, unknown = 0;
        foreach (var patient in requests)
        {
            string? id = null;
            if (Fingerprint.TryParseHex(patient.ToLowerInvariant(), out var reference)) wanted.TryGetValue(reference, out id);
            if (id is null) unknown++;
            else found++;
            await output.WriteLineAsync(Line(patient, id));
        }
        await output.FlushAsync(cancellationToken);
        return (found, unknown);
    }

    /// <summary>The line's "patient", or whether it is scan's note on a document read in part (no patient).</summary>
    private static (string? Patient, bool Note) ReadPatient(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return (null, false);
            if (root.TryGetProperty("patient", out var patient)) return (patient.ValueKind == JsonValueKind.String ? patient.GetString() : null, false);
            return (null, root.TryGetProperty("partial", out _));
        }
        catch (JsonException)
        {
            return (null, false);
        }
    }

    private static string Line(string patient, string? id)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("patient", patient);
            if (id is null) json.WriteNull("id");
            else json.WriteString("id", id);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
