using LeakWatch.Service.Configuration;
using LeakWatch.Service.Incidents;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Quartz;

namespace LeakWatch.Service.Alerting;

internal static class AlertingRegistration
{
    /// <summary>The alert planner, the outbox, its delivery job and the channels. The job runs when the Quartz hosted service does (<c>run</c>).</summary>
    public static IServiceCollection AddAlerting(this IServiceCollection services)
    {
        services.AddStrictOptions<AlertingOptions>(AlertingOptions.SectionName).ValidateDataAnnotations();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AlertingOptions>, AlertingOptionsValidator>());

        services.AddSingleton<IdempotencyKeys>();
        services.AddSingleton<AlertPlanner>();
        services.AddSingleton<IIncidentChangeHandler>(sp => sp.GetRequiredService<AlertPlanner>());
        services.AddSingleton<AlertOutbox>();
        services.AddSingleton<AlertDigests>();
        services.AddSingleton<AlertDispatcher>();
        services.AddSingleton<EmailAlertSender>();
        services.AddSingleton<WebhookAlertSender>();
        services.AddSingleton<AlertSender>();
        services.AddSingleton<AlertTester>();

        services.AddHttpClient(WebhookAlertSender.HttpClientName, (sp, client) =>
                client.Timeout = sp.GetRequiredService<IOptions<AlertingOptions>>().Value.SendTimeout)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
            // The default HTTP logging writes request URLs, and Slack and Teams URLs are secrets.
            .RemoveAllLoggers();

        services.AddQuartz(q => q.ScheduleJob<AlertDeliveryJob>(
            (sp, trigger) => trigger
                .WithIdentity(AlertDeliveryJob.Name)
                .StartNow()
                .WithSimpleSchedule(sp.GetRequiredService<IOptions<AlertingOptions>>().Value.DeliveryInterval),
            (_, job) => job.WithIdentity(AlertDeliveryJob.Name)));
        return services;
    }
}
