using System.Text;
using LeakWatch.Service.Alerting;
using LeakWatch.Service.Detection;
using LeakWatch.Service.Incidents;
using LeakWatch.Service.Tests.Enrollment;
using LeakWatch.Service.Tests.Hosting;
using LeakWatch.Synthetic;
using LeakWatch.Synthetic.Dumps;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace LeakWatch.Service.Tests.Alerting;

/// <summary>
/// The whole way: a synthetic export enrolled by the real <c>enroll</c> verb, a leaked dump of some of those patients
/// scanned by <see cref="IDocumentScanner"/>, recorded, and delivered to every kind of channel. Nothing any enrolled
/// patient is known by reaches the receivers.
/// </summary>
public sealed class EndToEndAlertTests : IDisposable
{
    private readonly CliHarness _cli = new();
    private readonly AlertingFixture _fixture = new();

    public void Dispose()
    {
        _fixture.Dispose();
        _cli.Dispose();
    }

    [Fact]
    public async Task Alerts_EnrolledScannedRecordedDelivered_CarryCountsAndNoPatientValue()
    {
        var population = SyntheticPopulation.GenerateArray(300, seed: 5150);
        Assert.Equal(0, (await _cli.RunAsync("key", "init")).ExitCode);
        var enroll = await _cli.RunAsync("enroll", ExportFiles.Write(_cli.Root, population));
        Assert.True(enroll.ExitCode == 0, enroll.ToString());

        await using var smtp = await SmtpTestServer.StartAsync();
        using var hook = WebhookTestReceiver.Start();
        _fixture.Settings["LeakWatch:DataDirectory"] = _cli.DataDirectory;
        _fixture.Settings["LeakWatch:KeyFile"] = _cli.KeyFile;
        _fixture.AddEmailChannel("security-mail", smtp);
        _fixture.AddChannel("security-hook", "webhook", ("Url", hook.Url("hook")), ("SecretFile", _fixture.WriteSecretFile("hook.secret", "e2e")));
        _fixture.AddChannel("soc-slack", "slack", ("Url", hook.Url("slack")));
        _fixture.AddChannel("soc-teams", "teams", ("Url", hook.Url("teams")), ("MinPatients", "1000"), ("Digest", "hourly"));
        var services = _fixture.StartService();

        // A leaked file with 40 of the lab's patients (some under their usage name), as the 2021 dump was shaped.
        var leaked = population.Take(40).Select((p, i) => (p, i % 3 == 0)).ToList();
        using var dump = new MemoryStream();
        using (var writer = new StreamWriter(dump, Encoding.Latin1, leaveOpen: true)) LabDump2021Writer.Write(writer, leaked, seed: 3);
        dump.Position = 0;
        var results = await services.GetRequiredService<IDocumentScanner>().ScanAsync(dump, "export_labo_2021.csv", CancellationToken.None);
        var result = Assert.Single(results);
        Assert.InRange(result.Matches.Count, 39, 40);

        await services.GetRequiredService<IIncidentRecorder>().RecordAsync("forum-x", "https://forum.example/t/777", result, CancellationToken.None);
        var dispatcher = services.GetRequiredService<AlertDispatcher>();
        Assert.Equal(3, (await dispatcher.RunOnceAsync(CancellationToken.None)).Delivered);
        _fixture.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, (await dispatcher.RunOnceAsync(CancellationToken.None)).Delivered); // the Teams digest

        var mail = MimeMessage.Load(new MemoryStream(Assert.Single(smtp.Messages)));
        Assert.Contains($"Patients: {result.Matches.Count} (high confidence", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("Where: https://forum.example/t/777", mail.TextBody, StringComparison.Ordinal);
        Assert.Equal(3, hook.Requests.Count);

        var needles = NoLeakChecker.PatientNeedles(population);
        var leaks = new List<string>();
        foreach (var raw in smtp.Messages)
        {
            var message = MimeMessage.Load(new MemoryStream(raw));
            foreach (var text in new[] { Encoding.Latin1.GetString(raw), Encoding.UTF8.GetString(raw), message.Subject, message.TextBody, System.Net.WebUtility.HtmlDecode(message.HtmlBody) })
            {
                leaks.AddRange(NoLeakChecker.Find(text, needles).Select(n => "mail: " + n));
            }
        }
        foreach (var request in hook.Requests)
        {
            var body = Encoding.UTF8.GetString(request.Body);
            leaks.AddRange(NoLeakChecker.Find(body, needles).Select(n => request.Path + ": " + n));
            leaks.AddRange(NoLeakChecker.Find(System.Text.Json.JsonDocument.Parse(request.Body).RootElement.ToString(), needles).Select(n => request.Path + " (json): " + n));
        }
        leaks.AddRange(result.Matches.SelectMany(m => NoLeakChecker.Find(
            string.Join('\n', smtp.Messages.Select(Encoding.Latin1.GetString).Concat(hook.Requests.Select(r => Encoding.UTF8.GetString(r.Body)))),
            NoLeakChecker.ReferenceNeedles([m.Patient]))).Select(n => "reference " + n));
        Assert.Empty(leaks);
    }
}
