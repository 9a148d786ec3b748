using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using LeakWatch.Core.Normalization;
using LeakWatch.Service.Accounts;
using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Crawling;
using LeakWatch.Service.Enrollment;
using LeakWatch.Service.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Quartz;

namespace LeakWatch.Service.Demo;

/// <summary>
/// <c>leakwatch demo [--once]</c>: the whole product on one machine, in <c>demo/</c> under the current directory (its
/// own data folder and key, never the real ones). A synthetic lab is enrolled; a sample forum and paste site with planted
/// leaks are served on loopback and crawled by the real schedule; the alerts reach a local webhook receiver and SMTP
/// sink; the review console runs on a loopback port of its own with a demo account that exists only in the demo's
/// database. Each step is printed in plain words. <c>--once</c> exits 0 as soon as the alert is delivered.
/// </summary>
internal static class DemoVerb
{
    private const int Patients = 200;
    private static readonly TimeSpan AlertDeadline = TimeSpan.FromMinutes(2);

    /// <summary>The demo's console account, made afresh in the demo's own database at each run.</summary>
    public const string DemoAccount = "demo.dpo";

    public static Command Create(VerbHost verbHost)
    {
        var once = new Option<bool>("--once") { Description = "Exit as soon as the alert is delivered (0), or with 2 if it is not within two minutes." };
        var command = new Command("demo", "Run a self-contained demonstration in ./demo: synthetic lab, sample leak sites, crawl, incidents and alerts.") { once };
        command.SetAction((parse, ct) => RunAsync(verbHost, parse.GetValue(once), verbHost.Console(parse), ct));
        return command;
    }

    private static async Task<int> RunAsync(VerbHost verbHost, bool once, VerbConsole console, CancellationToken cancellationToken)
    {
        var output = console.Out;
        var folder = Path.GetFullPath("demo");
        var marker = Path.Combine(folder, ".leakwatch-demo");
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any() && !File.Exists(marker))
        {
            await console.Error.WriteLineAsync($"leakwatch: {folder} exists and is not a LeakWatch demo folder; run the demo from another directory.");
            return ExitCodes.BadConfiguration;
        }
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(marker, "LeakWatch demo folder: synthetic data only; safe to delete.\n", cancellationToken);
        var data = Path.Combine(folder, "data");
        // Each demo starts from an empty database: a previous run's incidents would make this one find nothing new.
        if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
        var keyFile = Path.Combine(folder, "key", "leakwatch.key");
        var secretFile = Path.Combine(folder, "webhook.secret");
        if (!File.Exists(secretFile)) await File.WriteAllTextAsync(secretFile, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), cancellationToken);
        var webhookSecret = (await File.ReadAllTextAsync(secretFile, cancellationToken)).Trim();
        // The demo's console on a port of its own, never a real instance's 5080. Taken free just before the listener
        // binds it (the alerts' links need it before the service starts).
        var consoleUrl = "http://127.0.0.1:" + FreeLoopbackPort().ToString(CultureInfo.InvariantCulture);

        await output.WriteLineAsync($"LeakWatch demo in {folder}: its own data folder and key, synthetic patients only. Your real data and key are not touched.");
        await output.WriteLineAsync();

        var population = DemoPatients.Generate(Patients, seed: 2021);
        var export = Path.Combine(folder, "lab-export.csv");
        DemoPatients.WriteExport(export, population);
        await output.WriteLineAsync($"1. Made up a lab of {Patients} patients (names, birth dates, NIR, phones, e-mails) and wrote its export: {export}");

        await using var smtp = await DemoSmtpSink.StartAsync();
        await using var site = await DemoSite.StartAsync(
            DemoPatients.PostHtml(population.Take(6)), DemoPatients.AttachmentZip(population.Skip(10).Take(30)), DemoPatients.PasteText(population.Skip(50).Take(12)), webhookSecret);

        string[] demoArgs =
        [
            "--LeakWatch:DataDirectory=" + data,
            "--LeakWatch:KeyFile=" + keyFile,
            "--LEAKWATCH_KEY=", // a key in the environment would be the real one
            "--LeakWatch:Console:Enabled=true",
            "--LeakWatch:Console:Urls=" + consoleUrl,
            "--LeakWatch:Console:CertificateFile=",
            "--LeakWatch:Alerting:ConsoleBaseUrl=" + consoleUrl,
            "--LeakWatch:Alerting:DeliveryInterval=00:00:02",
            "--LeakWatch:Alerting:Channels:0:Name=demo-mail",
            "--LeakWatch:Alerting:Channels:0:Kind=email",
            "--LeakWatch:Alerting:Channels:0:SmtpHost=127.0.0.1",
            "--LeakWatch:Alerting:Channels:0:SmtpPort=" + smtp.Port.ToString(CultureInfo.InvariantCulture),
            "--LeakWatch:Alerting:Channels:0:SmtpSecurity=none",
            "--LeakWatch:Alerting:Channels:0:From=LeakWatch demo <leakwatch@demo.invalid>",
            "--LeakWatch:Alerting:Channels:0:To:0=security@demo.invalid",
            "--LeakWatch:Alerting:Channels:1:Name=demo-webhook",
            "--LeakWatch:Alerting:Channels:1:Kind=webhook",
            "--LeakWatch:Alerting:Channels:1:Url=" + site.WebhookUrl.AbsoluteUri,
            "--LeakWatch:Alerting:Channels:1:SecretFile=" + secretFile,
            .. Source(0, "demo-forum", "forum", site.BoardUrl, "--LeakWatch:Sources:0:Preset=phpbb"),
            .. Source(1, "demo-paste", "paste-archive", site.PasteArchiveUrl, null),
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning",
        ];
        var builder = verbHost.CreateBuilder(demoArgs, asService: true);
        using var host = builder.Build();
        host.Services.GetService<IStartupValidator>()?.Validate();

        var info = await EnrollAsync(host.Services, export, cancellationToken);
        await output.WriteLineAsync($"2. Enrolled it (the code of `leakwatch enroll`): {info.Patients} patients became keyed fingerprints in {Path.Combine(data, "leakwatch.db")}");
        await output.WriteLineAsync($"   (the secret key is {keyFile}; the database holds no name, NIR, date or e-mail).");
        await output.WriteLineAsync($"3. Serving a sample forum {site.BoardUrl} with a leak in a post (6 patients) and in its zip attachment (30),");
        await output.WriteLineAsync($"   a paste site {site.PasteArchiveUrl} with a paste of 12, and the lab's receivers: webhook {site.WebhookUrl}, SMTP 127.0.0.1:{smtp.Port}.");

        // The demo account, through the code of `leakwatch users add`: it exists only in the demo's database.
        var password = await host.Services.GetRequiredService<AccountService>().AddAsync(DemoAccount, ConsoleRole.Dpo, null, "demo", "", cancellationToken);

        await host.Services.GetRequiredService<ServiceStartup>().PrepareAsync(cancellationToken);
        await host.StartAsync(cancellationToken);
        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler(cancellationToken);
        foreach (var source in new[] { "demo-forum", "demo-paste" }) await scheduler.TriggerJob(new JobKey(source, CrawlJob.Group), cancellationToken);
        await output.WriteLineAsync("4. Started the service (`leakwatch run` with the demo settings): its schedule crawls both sites every 5 minutes; first crawl now.");
        await output.WriteLineAsync($"5. The review console: {consoleUrl}/incidents");
        await output.WriteLineAsync($"   Demo account (only in {data}): user {DemoAccount}, one-time password {password}");
        await output.WriteLineAsync("   (the console asks for a new password at the first sign-in, as it does for everyone).");
        await output.WriteLineAsync();

        var delivered = await WaitForAlertsAsync(output, site, smtp, once, cancellationToken);
        if (!delivered)
        {
            await console.Error.WriteLineAsync($"leakwatch: no alert reached both receivers within {AlertDeadline.TotalSeconds} s; the service's warnings above say why.");
            await host.StopAsync(CancellationToken.None);
            return ExitCodes.Failure;
        }

        await output.WriteLineAsync();
        await output.WriteLineAsync("Where to look:");
        await output.WriteLineAsync($"  leakwatch sources --LeakWatch:DataDirectory={data}   (what was crawled, health)");
        await output.WriteLineAsync($"  leakwatch doctor --LeakWatch:DataDirectory={data} --LeakWatch:KeyFile={keyFile}");
        await output.WriteLineAsync($"  {consoleUrl}/incidents   (the console: sign in as {DemoAccount} with the password above)");
        if (once)
        {
            await host.StopAsync(CancellationToken.None);
            return ExitCodes.Success;
        }
        await output.WriteLineAsync($"The service and its console ({consoleUrl}) keep running; new alerts are printed as they come. Ctrl+C stops it.");
        try
        {
            await host.WaitForShutdownAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
        return ExitCodes.Success;
    }

    private static int FreeLoopbackPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static string[] Source(int index, string name, string kind, Uri url, string? extra)
    {
        var prefix = $"--LeakWatch:Sources:{index}:";
        string[] settings =
        [
            prefix + "Name=" + name, prefix + "Kind=" + kind, prefix + "Urls:0=" + url.AbsoluteUri, prefix + "Schedule=0 0/5 * * * ?",
            prefix + "AllowPrivateAddresses=true", prefix + "RequestInterval=00:00:00.100",
        ];
        return extra is null ? settings : [.. settings, extra];
    }

    private static async Task<Storage.EnrollmentInfo> EnrollAsync(IServiceProvider services, string export, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(export);
        using var reader = ExportReader.Open(stream, new ExportFormat(), header => ColumnNames.Classify(header));
        reader.Columns.RequireEnrollable();
        return await services.GetRequiredService<Enroller>().EnrollAsync(reader, Path.GetFileName(export), null, cancellationToken);
    }

    /// <summary>Prints every alert the receivers get; true once both channels have delivered one (or keeps printing without --once).</summary>
    private static async Task<bool> WaitForAlertsAsync(TextWriter output, DemoSite site, DemoSmtpSink smtp, bool once, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(AlertDeadline);
        var (hooks, mails) = (0, 0);
        var hookRead = site.Webhooks.Reader.ReadAsync(deadline.Token).AsTask();
        var mailRead = smtp.Messages.Reader.ReadAsync(deadline.Token).AsTask();
        try
        {
            while (hooks == 0 || mails == 0)
            {
                var done = await Task.WhenAny(hookRead, mailRead);
                if (done == hookRead)
                {
                    await PrintAsync(output, await hookRead);
                    hooks++;
                    hookRead = site.Webhooks.Reader.ReadAsync(deadline.Token).AsTask();
                }
                else
                {
                    await PrintAsync(output, await mailRead);
                    mails++;
                    mailRead = smtp.Messages.Reader.ReadAsync(deadline.Token).AsTask();
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        if (!once) _ = KeepPrintingAsync(output, site, smtp, cancellationToken);
        return true;
    }

    private static async Task KeepPrintingAsync(TextWriter output, DemoSite site, DemoSmtpSink smtp, CancellationToken cancellationToken)
    {
        try
        {
            var mails = Task.Run(async () =>
            {
                await foreach (var mail in smtp.Messages.Reader.ReadAllAsync(cancellationToken)) await PrintAsync(output, mail);
            }, cancellationToken);
            await foreach (var hook in site.Webhooks.Reader.ReadAllAsync(cancellationToken)) await PrintAsync(output, hook);
            await mails;
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static Task PrintAsync(TextWriter output, MimeKit.MimeMessage mail) =>
        output.WriteLineAsync($"   E-mail received by the SMTP sink for {mail.To}: \"{mail.Subject}\"");

    private static async Task PrintAsync(TextWriter output, ReceivedWebhook hook)
    {
        if (hook.Alert.Incident is not { } incident)
        {
            await output.WriteLineAsync($"   Webhook received: {hook.Alert.Type}");
            return;
        }
        var p = incident.Patients;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"   ALERT (webhook, signature {(hook.SignatureValid ? "valid" : "INVALID")}): incident #{incident.Id} on {incident.Source}: {p.Total} of our patients ({p.High} high, {p.Medium} medium, {p.Low} low confidence)"));
        await output.WriteLineAsync($"     at {incident.Url}; fields {string.Join(", ", incident.Fields)}; rules {string.Join(", ", incident.Rules)}; console {incident.ConsoleUrl}");
    }
}
