using LeakWatch.Service.Alerting;
using LeakWatch.Service.Canaries;
using LeakWatch.Service.Crawling;
using LeakWatch.Service.Detection;
using LeakWatch.Service.EarlyWarning;
using LeakWatch.Service.Enrollment;
using LeakWatch.Service.Incidents;
using LeakWatch.Service.Keys;
using LeakWatch.Service.Operations;
using LeakWatch.Service.Review;
using LeakWatch.Service.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace LeakWatch.Service.Hosting;

/// <summary>Composes the host every verb runs in: configuration, logging, and the features.</summary>
internal static class LeakWatchHost
{
    /// <param name="configArgs">The <c>--LeakWatch:Setting=value</c> overrides from the command line.</param>
    /// <param name="asService">The long-running service (systemd / Windows service lifetimes); verbs are short-lived.</param>
    /// <param name="configure">Applied last, after the features: an in-process caller's adjustments (tests capture logs, add settings).</param>
    public static HostApplicationBuilder CreateBuilder(IReadOnlyList<string> configArgs, bool asService = false, Action<HostApplicationBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [.. configArgs],
            // appsettings.json is read from beside the executable (the build copies the top-level one there).
            ContentRootPath = AppContext.BaseDirectory,
        });

        builder.Logging.ClearProviders();
        // Standard output belongs to the verbs (JSON lines); logs go to standard error.
        // Logging:Console:FormatterName picks the format: simple (one line per event) or json (JSON lines, for collectors).
        builder.Logging.AddConsole();
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.SimpleConsoleFormatterOptions>(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.JsonConsoleFormatterOptions>(o =>
        {
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        builder.Services.PostConfigure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o =>
        {
            o.FormatterName ??= Microsoft.Extensions.Logging.Console.ConsoleFormatterNames.Simple;
            o.LogToStandardErrorThreshold = LogLevel.Trace;
        });
        if (asService)
        {
            builder.Services.AddSystemd();
            builder.Services.AddWindowsService(o => o.ServiceName = "LeakWatch");
            builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        }

        builder.Services.AddLeakWatch();
        configure?.Invoke(builder);
        return builder;
    }

    /// <summary>The table of contents: each feature registers itself.</summary>
    public static IServiceCollection AddLeakWatch(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddStorage();
        services.AddKeys();
        services.AddEnrollment();
        services.AddCanaries();
        services.AddEarlyWarning();
        services.AddDetection();
        services.AddIncidents();
        services.AddAlerting();
        services.AddCrawling();
        services.AddOperations();
        services.AddWebListener();
        services.AddConsole();
        services.AddSingleton<ServiceStartup>();
        return services;
    }
}
