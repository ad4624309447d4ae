#pragma once
/// @file core.hpp
/// Convenience header: all of apexcore::core (money, typed ids, catalog, ledger, orders).
#include <apexcore/core/catalog.hpp>
#include <apexcore/core/ids.hpp>
#include <apexcore/core/ledger.hpp>
#include <apexcore/core/money.hpp>
#include <apexcore/core/order.hpp>
#include <apexcore/core/rejection.hpp>
