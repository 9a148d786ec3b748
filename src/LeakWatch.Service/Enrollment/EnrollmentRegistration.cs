using LeakWatch.Service.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LeakWatch.Service.Enrollment;

internal static class EnrollmentRegistration
{
    public static IServiceCollection AddEnrollment(this IServiceCollection services)
    {
        services.AddStrictOptions<EnrollmentOptions>(EnrollmentOptions.SectionName).ValidateDataAnnotations();
        services.AddSingleton<Enroller>();
        services.AddSingleton<PatientResolver>();
        return services;
    }
}
