# Fyers counts 10 requests/s and 200/min per app, across every caller, and three broken minutes block
# the app for the day. Each function that calls Fyers declares its share next to its max_instances
# (functions.tf, broker_share); this file turns the shares into each function's environment and
# refuses a plan whose shares add up to more than var.broker_account_budget.
locals {
  # One instance's slice: the function's share divided over its instances, rounded DOWN to 1/1000 so
  # the instances together never exceed the share. 0 = no share (the pacer refuses every call).
  broker_environment = {
    for k, f in local.functions : k => {
      BROKER_MAX_PER_SECOND = f.broker_share == null ? "0" : tostring(floor(f.broker_share.per_second / f.max_instances * 1000) / 1000)
      BROKER_MAX_PER_MINUTE = f.broker_share == null ? "0" : tostring(floor(f.broker_share.per_minute / f.max_instances * 1000) / 1000)
    }
  }

  broker_shares = { for k, f in local.functions : k => f.broker_share if f.broker_share != null }
  broker_shares_total = {
    per_second = sum(concat([0], [for s in values(local.broker_shares) : s.per_second]))
    per_minute = sum(concat([0], [for s in values(local.broker_shares) : s.per_minute]))
  }
}

output "broker_shares" {
  description = "Each Fyers-calling function's share of the app budget (across its instances), what one instance gets, and the total against broker_account_budget."
  value = {
    functions = {
      for k, s in local.broker_shares : k => {
        per_second   = s.per_second
        per_minute   = s.per_minute
        instances    = local.functions[k].max_instances
        per_instance = local.broker_environment[k]
      }
    }
    total  = local.broker_shares_total
    budget = var.broker_account_budget
  }

  # An output precondition fails the plan (a check block would only warn): an over-spent budget must
  # never reach Fyers.
  precondition {
    condition     = local.broker_shares_total.per_second <= var.broker_account_budget.per_second && local.broker_shares_total.per_minute <= var.broker_account_budget.per_minute
    error_message = "The functions' Fyers shares add up to ${local.broker_shares_total.per_second}/s and ${local.broker_shares_total.per_minute}/min, over broker_account_budget (${var.broker_account_budget.per_second}/s, ${var.broker_account_budget.per_minute}/min). Lower a broker_share in functions.tf."
  }
}
