#pragma once
/// @file members.hpp
/// The members feature, for staff answering a member's data request:
/// - `/member export user`: everything stored about the member as a JSON file attached to the
///   (ephemeral) reply, `member-<id>.json` (services::member_service::export_data);
/// - `/member forget user`: a preview of what is erased and what is kept, then **Forget** (a
///   danger button; custom_id "mb:f:<user id>") erases it (member_service::forget) and says what
///   changed. Both are told to the audit log. Staff only, checked again on the button.

#include <apexcore/bot/feature.hpp>
#include <apexcore/services/member_service.hpp>

namespace apexcore::bot {

/// /member export|forget. Thread-safe; `members` must outlive it.
class members_feature final : public feature {
public:
    members_feature(const bot_config& config, services::member_service& members);

    [[nodiscard]] std::string name() const override { return "members"; }
    [[nodiscard]] std::vector<ports::command_spec> commands() const override;
    [[nodiscard]] std::vector<std::string> namespaces() const override { return {"mb"}; }
    ports::interaction_response on_command(const ports::interaction& i, const ports::command_invocation& c) override;
    ports::interaction_response on_component(const ports::interaction& i, const ports::component_action& a) override;

private:
    const bot_config& config_;
    services::member_service& members_;
};

}  // namespace apexcore::bot
