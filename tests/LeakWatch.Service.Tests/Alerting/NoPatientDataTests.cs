using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using LeakWatch.Core.Matching;
using LeakWatch.Service.Alerting;
using LeakWatch.Service.Incidents;
using LeakWatch.Synthetic;
using LeakWatch.Synthetic.Dumps;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace LeakWatch.Service.Tests.Alerting;

/// <summary>
/// An alert must never itself become a leak. Synthetic patients are enrolled (in memory, same normalizer and recipe),
/// a dump of them is matched by the real pipeline, recorded, grown, digested and delivered to every kind of channel;
/// then every byte the SMTP server and the webhook receiver got is searched for every enrolled value, in the forms
/// and encodings it could take.
/// </summary>
public sealed class NoPatientDataTests : IDisposable
{
    private readonly AlertingFixture _fixture = new();
    private readonly SyntheticLeak _leak = new();

    public void Dispose()
    {
        _leak.Dispose();
        _fixture.Dispose();
    }

    [Fact]
    public async Task Alerts_AfterDetectionOfEnrolledPatients_CarryNoPatientValueOrReference()
    {
        await using var smtp = await SmtpTestServer.StartAsync();
        using var hook = WebhookTestReceiver.Start();
        _fixture.AddEmailChannel("security-mail", smtp);
        _fixture.AddChannel("security-hook", "webhook", ("Url", hook.Url("hook")), ("SecretFile", _fixture.WriteSecretFile("hook.secret", "s")));
        _fixture.AddChannel("soc-slack", "slack", ("Url", hook.Url("slack")));
        _fixture.AddChannel("soc-teams", "teams", ("Url", hook.Url("teams")));
        _fixture.AddChannel("digest-hook", "webhook", ("Url", hook.Url("digest")), ("SecretFile", _fixture.WriteSecretFile("digest.secret", "d")), ("MinPatients", "50"), ("Digest", "hourly"));
        var services = _fixture.StartService();
        var recorder = services.GetRequiredService<IIncidentRecorder>();

        var sample = _leak.Scan("dump.csv", count: 2);
        var full = _leak.Scan("dump.csv", count: 3);
        Assert.Equal(2, sample.Matches.Count); // the detection found them: the test is not vacuous
        Assert.Equal(3, full.Matches.Count);
        Assert.All(full.Matches, m => Assert.Equal(Confidence.High, m.Confidence));

        await recorder.RecordAsync("paste-site", "https://paste.example/raw/Xk9q", sample, CancellationToken.None);
        await recorder.RecordAsync("paste-site", "https://paste.example/raw/Xk9q", full, CancellationToken.None);
        var dispatcher = services.GetRequiredService<AlertDispatcher>();
        await dispatcher.RunOnceAsync(CancellationToken.None);
        _fixture.Time.Advance(TimeSpan.FromHours(1));
        var run = await dispatcher.RunOnceAsync(CancellationToken.None);
        Assert.Equal(1, run.DigestsQueued);
        using (var output = new StringWriter())
        {
            Assert.Equal(0, await AlertsVerb.TestAsync(services, output, CancellationToken.None));
        }

        // Everything received: 2 alerts (new, grown) x 4 channels, 1 digest, 5 test alerts.
        Assert.Equal(3, smtp.Messages.Count);
        Assert.Equal(11, hook.Requests.Count);
        Assert.Contains(hook.Requests, r => r.Path == "/digest");

        var leaks = new List<string>();
        foreach (var (where, text) in Haystacks(smtp, hook))
        {
            leaks.AddRange(NoLeakChecker.Find(text, NoLeakChecker.PatientNeedles(SyntheticLeak.Patients)).Select(n => $"{n} in {where}"));
            leaks.AddRange(NoLeakChecker.Find(text, NoLeakChecker.ReferenceNeedles(_leak.References)).Select(n => $"{n} in {where}"));
        }
        Assert.Empty(leaks);

        // Nor in the logs, nor (plaintext values) in the database file.
        var logs = services.GetFakeLogCollector().GetSnapshot();
        Assert.NotEmpty(logs);
        var logText = string.Join('\n', logs.Select(l => l.Message + " " + string.Join(' ', l.StructuredState?.Select(s => s.Value) ?? [])));
        Assert.Empty(NoLeakChecker.Find(logText, [.. NoLeakChecker.PatientNeedles(SyntheticLeak.Patients), .. NoLeakChecker.ReferenceNeedles(_leak.References)]));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(_fixture.DataDirectory, "leakwatch.db*"))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            Assert.Empty(NoLeakChecker.Find(Encoding.Latin1.GetString(bytes), NoLeakChecker.PatientNeedles(SyntheticLeak.Patients)));
            Assert.Empty(NoLeakChecker.Find(Encoding.UTF8.GetString(bytes), NoLeakChecker.PatientNeedles(SyntheticLeak.Patients)));
        }
    }

    [Fact]
    public void NoLeakChecker_ValueHiddenInAnEncoding_IsFound()
    {
        var needles = NoLeakChecker.PatientNeedles(SyntheticLeak.Patients);
        var patient = SyntheticLeak.Patients[0];

        Assert.NotEmpty(NoLeakChecker.Find("x" + Convert.ToBase64String(Encoding.UTF8.GetBytes(patient.Email)) + "x", needles));
        Assert.NotEmpty(NoLeakChecker.Find(JsonSerializer.Serialize(patient.FirstNames), needles));
        Assert.NotEmpty(NoLeakChecker.Find(WebUtility.HtmlEncode(patient.BirthName), needles));
        Assert.NotEmpty(NoLeakChecker.Find("born 1965-03-12", needles));
        Assert.NotEmpty(NoLeakChecker.Find("tel 06.71.82.93.04", needles));
        Assert.NotEmpty(NoLeakChecker.Find("nir " + patient.Nir[..13], needles));
        Assert.NotEmpty(NoLeakChecker.Find("DARTIGNACZELLER", needles));
        Assert.NotEmpty(NoLeakChecker.Find("=?utf-8?b?" + Convert.ToBase64String(Encoding.UTF8.GetBytes("Éloïse")) + "?=", needles));
        Assert.NotEmpty(NoLeakChecker.Find("Patient: gwénaëlle.", needles));
        Assert.Empty(NoLeakChecker.Find("LastName FirstName BirthDate Nir Phone Email", needles));
        Assert.Empty(NoLeakChecker.Find("Name", NoLeakChecker.PatientNeedles([patient with { FirstNames = "Anne" }])));
        Assert.Empty(NoLeakChecker.Find("this channel", NoLeakChecker.PatientNeedles([patient with { FirstNames = "Anne" }])));
    }

    /// <summary>Every form in which the receivers got the alerts: raw bytes, decoded MIME parts, headers, JSON strings.</summary>
    private static IEnumerable<(string Where, string Text)> Haystacks(SmtpTestServer smtp, WebhookTestReceiver hook)
    {
        foreach (var raw in smtp.Messages)
        {
            yield return ("smtp raw (latin1)", Encoding.Latin1.GetString(raw));
            yield return ("smtp raw (utf8)", Encoding.UTF8.GetString(raw));
            var mail = MimeMessage.Load(new MemoryStream(raw));
            yield return ("mail subject", mail.Subject ?? "");
            yield return ("mail text", mail.TextBody ?? "");
            yield return ("mail html", WebUtility.HtmlDecode(mail.HtmlBody ?? ""));
            yield return ("mail headers", string.Join('\n', mail.Headers.Select(h => h.Field + ": " + h.Value)));
        }
        foreach (var request in hook.Requests)
        {
            yield return ("webhook body " + request.Path, Encoding.UTF8.GetString(request.Body));
            yield return ("webhook headers " + request.Path, string.Join('\n', request.Headers.Select(h => h.Key + ": " + h.Value)));
            using var json = JsonDocument.Parse(request.Body);
            yield return ("webhook json strings " + request.Path, string.Join('\n', Strings(json.RootElement)));
        }
    }

    private static IEnumerable<string> Strings(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => [element.GetString()!],
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Strings(p.Value).Prepend(p.Name)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Strings),
        _ => [element.GetRawText()],
    };
}

/// <summary>Searches text for patient values in every form a value may take on the way out.</summary>
internal static class NoLeakChecker
{
    public static IReadOnlyList<string> PatientNeedles(IEnumerable<SyntheticPatient> patients)
    {
        var values = new List<string>();
        foreach (var p in patients)
        {
            values.Add(p.Ipp);
            foreach (var name in new[] { p.BirthName, p.UsageName, p.FirstNames }.OfType<string>())
            {
                values.Add(name);
                values.AddRange(name.Split([' ', '-', '\''], StringSplitOptions.RemoveEmptyEntries).Where(w => w.Length >= 4));
                values.Add(new string([.. DumpStyle.StripAccents(name).Where(char.IsLetter)]));
            }
            var d = p.BirthDate;
            values.AddRange([d.ToString("dd/MM/yyyy"), d.ToString("yyyyMMdd"), d.ToString("yyyy-MM-dd"), d.ToString("ddMMyyyy"), d.ToString("dd.MM.yyyy"), d.ToString("dd-MM-yy")]);
            values.AddRange([p.Nir, p.Nir[..13], DumpStyle.NirSpaced(p.Nir)]);
            var digits = new string([.. p.Phone.Where(char.IsDigit)]);
            if (digits.Length >= 9)
            {
                var national = digits.StartsWith("33", StringComparison.Ordinal) ? "0" + digits[2..] : digits;
                values.AddRange([p.Phone, national, "+33" + national[1..], "33" + national[1..], national[1..], string.Join('.', national.Chunk(2).Select(c => new string(c))), string.Join(' ', national.Chunk(2).Select(c => new string(c)))]);
            }
            if (p.Email.Length > 0) values.AddRange([p.Email, p.Email.Split('@')[0]]);
            values.AddRange([p.City, p.Address]);
        }

        var needles = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var value in values.Where(v => v.Length >= 4))
        {
            needles.Add(value);
            needles.Add(DumpStyle.StripAccents(value));
            needles.Add(Convert.ToBase64String(Encoding.UTF8.GetBytes(value)).TrimEnd('='));
            needles.Add(Uri.EscapeDataString(value));
            needles.Add(WebUtility.HtmlEncode(value));
            needles.Add(JsonEncodedText.Encode(value).ToString());
        }
        return [.. needles];
    }

    public static IReadOnlyList<string> ReferenceNeedles(IEnumerable<Core.Fingerprinting.Fingerprint> references) =>
    [
        .. references.SelectMany(r => new[]
        {
            r.ToHex(),
            r.Prefix,
            Convert.ToHexString(r.ToBytes()),
            Convert.ToBase64String(r.ToBytes()).TrimEnd('='),
        }),
    ];

    /// <summary>
    /// Needles made of letters only (names, cities) must stand as words: "Anne" is a first name, not a leak in "channel".
    /// Anything else (numbers, e-mails, encodings) is found anywhere.
    /// </summary>
    public static IReadOnlyList<string> Find(string? text, IEnumerable<string> needles) =>
        text is null ? [] : [.. needles.Where(n => text.Contains(n, StringComparison.OrdinalIgnoreCase)
            && (!n.All(char.IsLetter) || Regex.IsMatch(text, @"(?<!\p{L})" + Regex.Escape(n) + @"(?!\p{L})", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)))];
}
