/**
 * cdk-nag acknowledgments that follow the template instead of guessing it. A finding's ID quotes
 * the resource as synthesized: a literal account and region when the stack has them (a real
 * deploy), `<AWS::AccountId>`-style placeholders when it does not (an env-agnostic synth).
 * Deriving the ID from the very ARN the policy uses keeps the two in step.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

type Intrinsic = { Ref?: string; 'Fn::GetAtt'?: [string, string] };

function nagResourceText(stack: Stack, arn: string): string {
  const resolved = stack.resolve(arn) as string | { 'Fn::Join': [string, Array<string | Intrinsic>] };
  if (typeof resolved === 'string') return resolved;
  return resolved['Fn::Join'][1]
    .map((part) => {
      if (typeof part === 'string') return part;
      if (part.Ref) return `<${part.Ref}>`;
      if (part['Fn::GetAtt']) return `<${part['Fn::GetAtt'].join('.')}>`;
      return JSON.stringify(part);
    })
    .join('');
}

/** Acknowledges AwsSolutions-IAM5 for each wildcard ARN, with one reason. */
function acknowledgeWildcardArns(scope: IConstruct, arns: readonly string[], reason: string): void {
  const stack = Stack.of(scope);
  for (const arn of arns) {
    Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${nagResourceText(stack, arn)}]`, reason });
  }
}

export { acknowledgeWildcardArns, nagResourceText };
